package io.jengine.serving.http;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jengine.serving.Digits;
import io.jengine.tensor.Tensor;
import java.io.ByteArrayOutputStream;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Inference over HTTP answers what the engine answers run directly, to the bit, in JSON and in binary. */
class InferOverHttpTest {
    @TempDir
    static Path dir;
    static TestServer http;
    static Digits digits;

    @BeforeAll
    static void start() throws Exception {
        http = new TestServer(dir);
        digits = new Digits();
    }

    @AfterAll
    static void stop() { http.close(); }

    @Test
    void flatJsonImagesGiveTheEnginesLogitsBitForBit() {
        for (int i = 0; i < 20; i++) {
            ObjectNode request = Json.object().put("id", "image-" + i);
            ObjectNode input = request.putArray("inputs").addObject().put("name", "image").put("datatype", "FP32");
            input.putArray("shape").add(1).add(1).add(8).add(8);
            ArrayNode data = input.putArray("data");
            for (float v : digits.image(i).toFloatArray()) data.add(v);

            TestServer.Answer a = http.post("/v2/models/digits/infer", request.toString());

            assertEquals(200, a.status(), a.text());
            JsonNode out = a.json();
            assertEquals("digits", out.get("model_name").asText());
            assertEquals("1", out.get("model_version").asText());
            assertEquals("image-" + i, out.get("id").asText());
            JsonNode logits = out.get("outputs").get(0);
            assertEquals("logits", logits.get("name").asText());
            assertEquals("FP32", logits.get("datatype").asText());
            assertEquals("[1,10]", logits.get("shape").toString());
            assertArrayEquals(bits(digits.alone[i]), bits(floats(logits.get("data"))), "image " + i);
        }
    }

    @Test
    void nestedJsonBatchAnswersEachRowAsItsImageAlone() {
        int first = 100, n = 4;
        ObjectNode request = Json.object();
        ObjectNode input = request.putArray("inputs").addObject().put("name", "image").put("datatype", "FP32");
        input.putArray("shape").add(n).add(1).add(8).add(8);
        ArrayNode images = input.putArray("data");
        for (int i = 0; i < n; i++) {
            float[] px = digits.image(first + i).toFloatArray();
            ArrayNode rows = images.addArray().addArray();
            for (int r = 0; r < 8; r++) {
                ArrayNode row = rows.addArray();
                for (int c = 0; c < 8; c++) row.add(px[r * 8 + c]);
            }
        }
        request.putArray("outputs").addObject().put("name", "logits");

        TestServer.Answer a = http.post("/v2/models/digits/versions/1/infer", request.toString());

        assertEquals(200, a.status(), a.text());
        JsonNode logits = a.json().get("outputs").get(0);
        assertEquals("[4,10]", logits.get("shape").toString());
        float[] all = floats(logits.get("data"));
        for (int i = 0; i < n; i++) {
            float[] row = java.util.Arrays.copyOfRange(all, i * 10, i * 10 + 10);
            assertArrayEquals(bits(digits.alone[first + i]), bits(row), "image " + (first + i));
        }
    }

    @Test
    void binaryTensorsRoundTrip() {
        int first = 200, n = 3;
        Tensor images = digits.images(first, n);
        ObjectNode request = Json.object();
        ObjectNode input = request.putArray("inputs").addObject().put("name", "image").put("datatype", "FP32");
        input.putArray("shape").add(n).add(1).add(8).add(8);
        input.putObject("parameters").put("binary_data_size", images.byteSize());
        request.putArray("outputs").addObject().put("name", "logits").putObject("parameters").put("binary_data", true);
        byte[] header = Json.bytes(request);
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes(header);
        byte[] pixels = new byte[(int) images.byteSize()];
        MemorySegment.copy(images.data(), ValueLayout.JAVA_FLOAT, 0, MemorySegment.ofArray(pixels),
                ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), 0, images.size());
        body.writeBytes(pixels);

        TestServer.Answer a = http.post("/v2/models/digits/infer", body.toByteArray(), header.length);

        assertEquals(200, a.status(), a.text());
        assertEquals("application/octet-stream", a.contentType());
        JsonNode logits = a.json().get("outputs").get(0);
        assertEquals(n * 10 * Float.BYTES, logits.get("parameters").get("binary_data_size").asInt());
        ByteBuffer data = ByteBuffer.wrap(a.body(), (int) a.jsonLength(), n * 10 * Float.BYTES)
                .order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < n; i++) {
            float[] row = new float[10];
            for (int j = 0; j < 10; j++) row[j] = data.getFloat();
            assertArrayEquals(bits(digits.alone[first + i]), bits(row), "image " + (first + i));
        }
    }

    /** Read as Float.parseFloat reads the decimal text: exactly, rounded once. */
    static float[] floats(JsonNode array) {
        float[] out = new float[array.size()];
        for (int i = 0; i < out.length; i++) out[i] = Float.parseFloat(array.get(i).asText());
        return out;
    }

    static int[] bits(float[] v) {
        int[] out = new int[v.length];
        for (int i = 0; i < v.length; i++) out[i] = Float.floatToRawIntBits(v[i]);
        return out;
    }
}
