package io.jengine.serving.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Probes, server and model metadata, and the Prometheus scrape. */
class HealthMetadataMetricsTest {
    @TempDir
    static Path dir;
    static TestServer http;

    @BeforeAll
    static void start() throws Exception { http = new TestServer(dir); }

    @AfterAll
    static void stop() { http.close(); }

    @Test
    void probes() {
        assertEquals(200, http.get("/v2/health/live").status());
        assertEquals(200, http.get("/v2/health/ready").status());
        assertEquals(200, http.get("/v2/models/digits/ready").status());
        assertEquals(200, http.get("/v2/models/digits/versions/1/ready").status());
        assertEquals(404, http.get("/v2/models/digits/versions/2/ready").status());
    }

    @Test
    void serverMetadata() {
        JsonNode m = http.get("/v2").json();
        assertEquals("jengine", m.get("name").asText());
        assertTrue(m.get("version").asText().matches("\\d+\\.\\d+\\.\\d+.*"), m.toString());
        assertEquals("[\"model_repository\",\"binary_tensor_data\"]", m.get("extensions").toString());
    }

    @Test
    void modelMetadataShowsOpenDimensionsAsMinusOne() {
        TestServer.Answer a = http.get("/v2/models/digits");
        assertEquals(200, a.status(), a.text());
        JsonNode m = a.json();
        assertEquals("digits", m.get("name").asText());
        assertEquals("[\"1\"]", m.get("versions").toString());
        assertEquals("jengine_onnx", m.get("platform").asText());
        assertEquals("{\"name\":\"image\",\"datatype\":\"FP32\",\"shape\":[-1,1,8,8]}",
                m.get("inputs").get(0).toString());
        assertEquals("logits", m.get("outputs").get(0).get("name").asText());
        assertEquals("FP32", m.get("outputs").get(0).get("datatype").asText());
        assertEquals(m, http.get("/v2/models/digits/versions/1").json());
    }

    @Test
    void metricsCountRequests() {
        String before = scrape();
        assertTrue(before.contains("jvm_memory_used_bytes"), "JVM meters");
        assertTrue(before.contains("process_uptime_seconds"), "uptime");
        assertTrue(before.contains("system_cpu_count"), "processor");
        assertTrue(Pattern.compile("(?m)^jengine_model_warmup_duration_seconds_count\\{[^}]*model=\"digits\"[^}]*\\} 1")
                .matcher(before).find(), "digits' config asks for a warm-up: " + before);
        double success = count(before, "success"), failure = count(before, "failure");

        assertEquals(200, http.post("/v2/models/digits/infer", RepositoryHttpTest.infer()).status());
        assertEquals(200, http.post("/v2/models/digits/infer", RepositoryHttpTest.infer()).status());
        assertEquals(400, http.post("/v2/models/digits/infer",
                BadRequestsTest.request("FP32", "[1,1,8,7]", BadRequestsTest.zeros(56))).status());

        String after = scrape();
        assertEquals(success + 2, count(after, "success"), after);
        assertEquals(failure + 1, count(after, "failure"), after);
    }

    private static String scrape() {
        TestServer.Answer a = http.get("/metrics");
        assertEquals(200, a.status());
        assertTrue(a.contentType().startsWith("text/plain"), a.contentType());
        return a.text();
    }

    /** The digits model's request counter for one outcome (0 before its first count). */
    private static double count(String scrape, String outcome) {
        Matcher m = Pattern.compile("(?m)^jengine_inference_requests_total\\{([^}]*)\\} (\\S+)$").matcher(scrape);
        while (m.find()) {
            String labels = m.group(1);
            if (labels.contains("model=\"digits\"") && labels.contains("outcome=\"" + outcome + "\"")) {
                return Double.parseDouble(m.group(2));
            }
        }
        return 0;
    }
}
