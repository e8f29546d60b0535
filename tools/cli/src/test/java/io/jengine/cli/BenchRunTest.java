package io.jengine.cli;

import static io.jengine.cli.CliErrorsTest.DIGITS;
import static io.jengine.cli.CliErrorsTest.IMAGES;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jengine.io.Npy;
import io.jengine.tensor.Tensor;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Half-second benchmarks of the digits model, alone and against ONNX Runtime: the JSON they write has every field
 * filled, and the figures hang together (percentiles ordered, throughput from the mean, layer shares summing to one).
 */
class BenchRunTest {
    @TempDir
    Path tmp;

    @Test
    void benchOfTheEngineAlone() throws IOException {
        Path json = tmp.resolve("engine.json");
        Path image = tmp.resolve("image.npy");
        Tensor first = Npy.read(IMAGES);
        Npy.write(image, Tensor.ofFloats(new long[] {1, 1, 8, 8}, Arrays.copyOf(first.toFloatArray(), 64)));
        String out = bench("--input", "image=" + image, "--json", json.toString());
        assertTrue(out.contains("engine") && out.contains("slowest layers"), out);
        JsonNode doc = new ObjectMapper().readTree(json.toFile());
        assertEquals(DIGITS.toString(), doc.get("model").asText());
        assertEquals(1, doc.get("threads").asInt());
        assertEquals(1, doc.at("/inputs/0/shape/0").asInt());
        assertEquals(image.toString(), doc.at("/inputs/0/source").asText());
        checkLatencies(doc.get("engine"));
        assertFalse(doc.has("onnxruntime") || doc.has("ratio"));
        checkLayers(doc.get("layers"));
    }

    @Test
    void aFilesRowsAreTakenCyclicallyToTheBatch() throws IOException {
        Path json = tmp.resolve("batched.json");
        Path images = tmp.resolve("two.npy");
        Npy.write(images, Tensor.ofFloats(new long[] {2, 1, 8, 8}, Arrays.copyOf(Npy.read(IMAGES).toFloatArray(), 128)));
        bench("--input", "image=" + images, "--batch", "3", "--json", json.toString());
        JsonNode doc = new ObjectMapper().readTree(json.toFile());
        assertEquals(3, doc.get("batch").asInt());
        assertEquals(3, doc.at("/inputs/0/shape/0").asInt(), "the batch timed is the batch reported: " + doc);
    }

    @Test
    void benchAgainstOnnxRuntime() throws IOException {
        Path json = tmp.resolve("both.json");
        Path plot = tmp.resolve("both.png");
        String out = bench("--batch", "2", "--compare-ort", "--json", json.toString(), "--plot", plot.toString());
        assertTrue(out.contains("onnxruntime") && out.contains("ratio engine / onnxruntime"), out);
        JsonNode doc = new ObjectMapper().readTree(json.toFile());
        assertEquals(2, doc.get("batch").asInt());
        assertEquals("generated", doc.at("/inputs/0/source").asText());
        checkLatencies(doc.get("engine"));
        checkLatencies(doc.get("onnxruntime"));
        assertTrue(doc.at("/onnxruntime/version").asText().matches("\\d+\\.\\d+\\.\\d+.*"), doc.toString());
        double ratio = doc.get("ratio").asDouble();
        assertEquals(doc.at("/engine/latency_ms/median").asDouble() / doc.at("/onnxruntime/latency_ms/median").asDouble(),
                ratio, 1e-9 * ratio);
        checkLayers(doc.get("layers"));
        byte[] png = Files.readAllBytes(plot);
        assertTrue(png.length > 1000 && png[1] == 'P' && png[2] == 'N' && png[3] == 'G', "a PNG file");
    }

    @Test
    void servedLinesOfAProfilePlanShowTheHttpLayerAndTheBatcher() throws IOException {
        Path plan = tmp.resolve("digits.plan");
        assertEquals(0, EngineCli.execute("build", DIGITS.toString(), "--profile", "image:1x1x8x8..4x1x8x8..4x1x8x8",
                "-o", plan.toString()));
        Path json = tmp.resolve("served.json");
        List<Path> before = servedRepositories();
        String out = benchOf(plan, "--batch", "4", "--served", "--json", json.toString());
        assertTrue(out.contains("served, 1 client x 4 rows") && out.contains("served, 8 clients x 1 row"), out);
        JsonNode served = new ObjectMapper().readTree(json.toFile()).get("served");
        assertEquals(2, served.size(), served.toString());
        checkServed(served.get(0), 1, 4);
        assertTrue(served.get(0).get("setup").asText().contains("no batching"), served.toString());
        checkServed(served.get(1), 8, 1);
        assertTrue(served.get(1).get("setup").asText().contains("batched up to 4 rows"), served.toString());
        assertEquals(before, servedRepositories(), "the temporary model repository is deleted");
        assertTrue(Files.isRegularFile(plan), "the plan that was linked into it is not");
    }

    @Test
    void aStaticModelIsServedWithoutBatching() throws IOException {
        Path json = tmp.resolve("static.json");
        String out = bench("--batch", "2", "--served", "--json", json.toString());
        assertTrue(out.contains("no batched line: the plan takes 2 rows only"), out);
        JsonNode served = new ObjectMapper().readTree(json.toFile()).get("served");
        assertEquals(1, served.size(), served.toString());
        checkServed(served.get(0), 1, 2);
    }

    private static void checkServed(JsonNode line, int clients, int rows) {
        assertEquals(clients, line.get("clients").asInt(), line.toString());
        assertEquals(rows, line.get("rows_per_request").asInt(), line.toString());
        assertTrue(line.get("requests").asLong() > 0 && line.get("failed").asLong() == 0, line.toString());
        assertEquals(line.get("requests_per_second").asDouble() * rows, line.get("rows_per_second").asDouble(), 1e-6);
        JsonNode l = line.get("latency_ms");
        assertTrue(l.get("min").asDouble() > 0 && l.get("min").asDouble() <= l.get("median").asDouble()
                && l.get("median").asDouble() <= l.get("p99").asDouble(), line.toString());
    }

    private static List<Path> servedRepositories() throws IOException {
        try (var dirs = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
            return dirs.filter(d -> d.getFileName().toString().startsWith("jengine-served-")).sorted().toList();
        }
    }

    /** Runs a half-second bench of the digits model on one thread and returns its stdout. */
    private static String bench(String... extra) { return benchOf(DIGITS, extra); }

    private static String benchOf(Path model, String... extra) {
        List<String> args = new ArrayList<>(List.of("bench", model.toString(), "--threads", "1",
                "--warmup", "0.1", "--duration", "0.5"));
        args.addAll(List.of(extra));
        PrintStream old = System.out;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        int code;
        try {
            System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
            code = EngineCli.execute(args.toArray(String[]::new));
        } finally {
            System.setOut(old);
        }
        String out = buf.toString(StandardCharsets.UTF_8);
        assertEquals(0, code, out);
        return out;
    }

    private static void checkLatencies(JsonNode engine) {
        assertTrue(engine.get("runs").asInt() >= 10, engine.toString());
        JsonNode l = engine.get("latency_ms");
        double prev = 0;
        for (String k : new String[] {"min", "median", "p90", "p95", "p99", "max"}) {
            double v = l.get(k).asDouble();
            assertTrue(v > 0 && v >= prev && v < 60_000, k + " " + v + " in " + l);
            prev = v;
        }
        double mean = l.get("mean").asDouble();
        assertTrue(mean >= l.get("min").asDouble() && mean <= l.get("max").asDouble(), l.toString());
        assertEquals(1000 / mean, engine.get("throughput").asDouble(), 1e-6 * 1000 / mean);
        assertTrue(engine.get("cv").asDouble() >= 0, engine.toString());
    }

    private static void checkLayers(JsonNode layers) {
        assertTrue(layers.isArray() && layers.size() >= 5, "digits has at least 5 layers after fusion: " + layers);
        double shares = 0, prev = Double.MAX_VALUE;
        for (JsonNode layer : layers) {
            assertFalse(layer.get("name").asText().isBlank() || layer.get("op").asText().isBlank()
                    || !layer.get("tactic").asText().contains(":"), layer.toString());
            double ms = layer.get("ms").asDouble();
            assertTrue(ms >= 0 && ms <= prev, "layers slowest first: " + layers);
            prev = ms;
            shares += layer.get("share").asDouble();
        }
        assertEquals(1, shares, 1e-9);
    }
}
