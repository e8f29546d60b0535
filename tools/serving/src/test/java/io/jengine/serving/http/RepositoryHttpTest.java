package io.jengine.serving.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Triton's repository endpoints over a folder where one model is garbage and the others serve. */
class RepositoryHttpTest {
    @TempDir
    static Path dir;
    static TestServer http;

    @BeforeAll
    static void start() throws Exception { http = new TestServer(dir); }

    @AfterAll
    static void stop() { http.close(); }

    static String infer() { return BadRequestsTest.request("FP32", "[1,1,8,8]", BadRequestsTest.zeros(64)); }

    static JsonNode entry(String name) {
        TestServer.Answer a = http.post("/v2/repository/index", "");
        assertEquals(200, a.status(), a.text());
        for (JsonNode e : a.json()) if (e.get("name").asText().equals(name)) return e;
        throw new AssertionError(name + " is not in the index " + a.text());
    }

    @Test
    void aGarbageModelIsUnavailableWhileTheOthersServe() {
        JsonNode broken = entry("broken");
        assertEquals("UNAVAILABLE", broken.get("state").asText());
        assertTrue(broken.get("reason").asText().contains("failed to load"), broken.toString());
        assertEquals("READY", entry("digits").get("state").asText());
        assertEquals("1", entry("digits").get("version").asText());
        assertEquals(200, http.post("/v2/models/digits/infer", infer()).status());
        BadRequestsTest.assertError(400, "failed to load", http.post("/v2/repository/models/broken/load", ""));
        BadRequestsTest.assertError(404, "no model 'broken'", http.get("/v2/models/broken"));
    }

    @Test
    void aTritonConfigServesAndTwoConfigsAreRefused() throws Exception {
        Path triton = java.nio.file.Files.createDirectories(dir.resolve("models/triton/1"));
        java.nio.file.Files.copy(io.jengine.serving.Digits.MODEL, triton.resolve("model.onnx"));
        java.nio.file.Files.writeString(dir.resolve("models/triton/config.pbtxt"), """
                name: "triton"
                platform: "onnxruntime_onnx"
                max_batch_size: 8
                input [ { name: "image" data_type: TYPE_FP32 dims: [ 1, 8, 8 ] } ]
                dynamic_batching { max_queue_delay_microseconds: 200 }
                """);
        assertEquals(200, http.post("/v2/repository/models/triton/load", "").status());
        assertEquals(200, http.post("/v2/models/triton/infer", infer()).status());

        Path both = java.nio.file.Files.createDirectories(dir.resolve("models/both/1"));
        java.nio.file.Files.copy(io.jengine.serving.Digits.MODEL, both.resolve("model.onnx"));
        java.nio.file.Files.writeString(dir.resolve("models/both/config.pbtxt"), "max_batch_size: 8\n");
        java.nio.file.Files.writeString(dir.resolve("models/both/config.json"), "{\"max_batch_size\": 8}");
        BadRequestsTest.assertError(400, "keep one", http.post("/v2/repository/models/both/load", ""));
    }

    @Test
    void theIndexCanListOnlyReadyModels() {
        TestServer.Answer a = http.post("/v2/repository/index", "{\"ready\": true}");
        assertEquals(200, a.status(), a.text());
        for (JsonNode e : a.json()) assertEquals("READY", e.get("state").asText(), a.text());
    }

    @Test
    void unloadThenLoadAgain() {
        assertEquals(200, http.post("/v2/models/digits2/infer", infer()).status());

        assertEquals(200, http.post("/v2/repository/models/digits2/unload", "").status());
        BadRequestsTest.assertError(404, "no model 'digits2'", http.post("/v2/models/digits2/infer", infer()));
        assertEquals("unloaded", entry("digits2").get("reason").asText());
        BadRequestsTest.assertError(404, "no model", http.post("/v2/repository/models/digits2/unload", ""));

        assertEquals(200, http.post("/v2/repository/models/digits2/load", "").status());
        assertEquals("READY", entry("digits2").get("state").asText());
        assertEquals(200, http.post("/v2/models/digits2/infer", infer()).status());
    }

    @Test
    void loadingAFolderThatIsNotThereIs404() {
        BadRequestsTest.assertError(404, "no folder 'ghost'", http.post("/v2/repository/models/ghost/load", ""));
    }
}
