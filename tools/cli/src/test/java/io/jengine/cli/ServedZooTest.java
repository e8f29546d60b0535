package io.jengine.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jengine.cli.loadgen.InferBody;
import io.jengine.io.Npy;
import io.jengine.serving.V2Datatype;
import io.jengine.serving.http.HttpOptions;
import io.jengine.serving.http.V2HttpServer;
import io.jengine.tensor.Tensor;
import io.jengine.verify.SharedData;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every model of the zoo with stored inputs, served by {@code engine serve}'s server on a free local port, answers
 * what {@code engine run} writes for the same inputs, to the bit: JSON tensors sent by curl, and binary tensors
 * (Triton's extension, binary answers too) sent by the JDK's HttpClient, each as a client written against the KServe
 * V2 spec would send them.
 */
class ServedZooTest {
    private static final ObjectMapper EXACT = new ObjectMapper()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS); // numbers as written, rounded once
    private static final HttpClient CLIENT = HttpClient.newHttpClient();

    @TempDir
    static Path repository;
    static V2HttpServer server;

    @BeforeAll
    static void serveTheZoo() throws IOException {
        Path zoo = ZooModelsTest.zoo();
        for (String model : models()) {
            Path version = Files.createDirectories(repository.resolve(model).resolve("1"));
            Files.createSymbolicLink(version.resolve("model.onnx"), zoo.resolve(model + ".onnx").toAbsolutePath());
            // each request runs alone, as `engine run` runs it
            Files.writeString(repository.resolve(model).resolve("config.json"), "{\"max_batch_size\": 0}");
        }
        server = V2HttpServer.start(HttpOptions.of(repository).withPort(0));
    }

    @AfterAll
    static void stop() {
        if (server != null) server.close();
    }

    /** The zoo's models that have stored inputs (their float models and their quantized twins). */
    static String[] models() {
        return new String[] {"digits_cnn", "digits_cnn_int8_qdq", "digits_cnn_u8_qdq", "squeezenet1_1", "mobilenet_v2",
                "mobilenet_v2_int8_qdq", "mobilenet_v2_u8_qdq", "efficientnet_b0", "resnet18", "resnet18_u8_qdq",
                "resnet50", "bert_l4_h256", "ch_PP-OCRv4_det_infer", "ch_ppocr_mobile_v2.0_cls_infer"};
    }

    @ParameterizedTest
    @ValueSource(strings = {"digits_cnn", "digits_cnn_int8_qdq", "digits_cnn_u8_qdq", "squeezenet1_1", "mobilenet_v2",
            "mobilenet_v2_int8_qdq", "mobilenet_v2_u8_qdq", "efficientnet_b0", "resnet18", "resnet18_u8_qdq",
            "resnet50", "bert_l4_h256", "ch_PP-OCRv4_det_infer", "ch_ppocr_mobile_v2.0_cls_infer"})
    void answersWhatEngineRunWrites(String model, @TempDir Path tmp) throws Exception {
        assertTrue(server.inferenceServer().isModelReady(model), model + " did not load: "
                + server.repository().index());
        Path zoo = ZooModelsTest.zoo();
        Map<String, Path> inputFiles = ZooModelsTest.ioFiles(zoo, model, "input_");
        Map<String, Tensor> inputs = new LinkedHashMap<>();
        inputFiles.forEach((name, file) -> inputs.put(name, Npy.read(file)));

        Path written = tmp.resolve("run");
        java.util.List<String> args = new java.util.ArrayList<>(java.util.List.of("run", zoo.resolve(model + ".onnx")
                .toString(), "-o", written.toString()));
        inputFiles.forEach((name, file) -> args.addAll(java.util.List.of("--input", name + "=" + file)));
        assertEquals(0, EngineCli.execute(args.toArray(String[]::new)), "engine run " + model);
        Map<String, Tensor> expected = new LinkedHashMap<>();
        try (var files = Files.list(written)) {
            for (Path f : files.sorted().toList()) {
                String n = f.getFileName().toString();
                expected.put(n.substring(0, n.length() - ".npy".length()), Npy.read(f));
            }
        }
        assertTrue(!expected.isEmpty(), "engine run wrote no output for " + model);

        URI infer = URI.create(server.address() + "/v2/models/" + model + "/infer");
        checkBinary(model, infer, InferBody.of(inputs, 0, true), expected);
        checkJsonByCurl(model, infer, InferBody.of(inputs, 0, false), tmp, expected);
    }

    private static void checkBinary(String model, URI infer, InferBody body, Map<String, Tensor> expected)
            throws Exception {
        HttpResponse<byte[]> r = CLIENT.send(HttpRequest.newBuilder(infer)
                .header("Content-Type", "application/octet-stream")
                .header("Inference-Header-Content-Length", Integer.toString(body.jsonLength()))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body.body())).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, r.statusCode(), () -> new String(r.body(), StandardCharsets.UTF_8));
        int jsonLength = Integer.parseInt(r.headers().firstValue("Inference-Header-Content-Length").orElseThrow());
        JsonNode head = EXACT.readTree(Arrays.copyOf(r.body(), jsonLength));
        long offset = jsonLength;
        assertEquals(expected.size(), head.get("outputs").size(), head.toString());
        for (JsonNode out : head.get("outputs")) {
            Tensor want = expected.get(out.get("name").asText());
            String where = model + " output " + out.get("name") + " (binary)";
            checkHeader(out, want, where);
            int size = out.at("/parameters/binary_data_size").asInt();
            assertEquals(want.byteSize(), size, where);
            byte[] got = Arrays.copyOfRange(r.body(), (int) offset, (int) offset + size);
            assertArrayEquals(want.data().toArray(ValueLayout.JAVA_BYTE), got, where + ": bytes differ");
            offset += size;
        }
        assertEquals(r.body().length, offset, model + ": bytes after the last output");
    }

    private static void checkJsonByCurl(String model, URI infer, InferBody body, Path tmp, Map<String, Tensor> expected)
            throws Exception {
        Path request = Files.write(tmp.resolve("request.json"), body.body());
        Path answer = tmp.resolve("answer.json");
        Process curl;
        try {
            curl = new ProcessBuilder("curl", "-sS", "-o", answer.toString(), "-w", "%{http_code}", "-X", "POST",
                    "-H", "Content-Type: application/json", "--data-binary", "@" + request, infer.toString())
                    .redirectErrorStream(true).start();
        } catch (IOException e) {
            if (SharedData.isCi()) fail("curl is not installed: " + e.getMessage());
            Assumptions.abort("curl is not installed");
            return;
        }
        assertTrue(curl.waitFor(120, TimeUnit.SECONDS), "curl did not finish");
        String status = new String(curl.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertEquals("200", status, () -> model + ": " + readQuietly(answer));
        JsonNode head = EXACT.readTree(answer.toFile());
        assertEquals(expected.size(), head.get("outputs").size(), model);
        for (JsonNode out : head.get("outputs")) {
            Tensor want = expected.get(out.get("name").asText());
            String where = model + " output " + out.get("name") + " (JSON by curl)";
            checkHeader(out, want, where);
            JsonNode data = out.get("data");
            assertEquals(want.size(), data.size(), where);
            MemorySegment w = want.data();
            for (int i = 0; i < data.size(); i++) {
                JsonNode v = data.get(i);
                boolean same = switch (want.dtype()) {
                    case FLOAT32 -> Float.floatToIntBits(Float.parseFloat(v.decimalValue().toString()))
                            == Float.floatToIntBits(w.getAtIndex(ValueLayout.JAVA_FLOAT, i));
                    case INT64 -> v.asLong() == w.getAtIndex(ValueLayout.JAVA_LONG, i);
                    case INT32 -> v.asLong() == w.getAtIndex(ValueLayout.JAVA_INT, i);
                    default -> throw new AssertionError(where + ": no check for " + want.dtype());
                };
                if (!same) fail(where + ": element " + i + " is " + v + ", engine run wrote " + want.toFloatArray()[i]);
            }
        }
    }

    private static void checkHeader(JsonNode out, Tensor want, String where) {
        assertTrue(want != null, where + ": engine run wrote no such output");
        assertEquals(V2Datatype.of(want.dtype()).orElseThrow(), out.get("datatype").asText(), where);
        assertEquals(Arrays.toString(want.shape()), Arrays.toString(EXACT.convertValue(out.get("shape"), long[].class)),
                where);
    }

    private static String readQuietly(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            return "(no answer: " + e.getMessage() + ")";
        }
    }
}
