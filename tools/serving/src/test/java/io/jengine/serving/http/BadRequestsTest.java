package io.jengine.serving.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Collections;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every client mistake is its 4xx with {@code {"error": ...}}, never a 500, and the server goes on serving. */
class BadRequestsTest {
    @TempDir
    static Path dir;
    static TestServer http;

    @BeforeAll
    static void start() throws Exception { http = new TestServer(dir); }

    @AfterAll
    static void stop() { http.close(); }

    /** A digits request with the given datatype, shape and data (JSON text). */
    static String request(String datatype, String shape, String data) {
        return "{\"inputs\":[{\"name\":\"image\",\"datatype\":\"" + datatype + "\",\"shape\":" + shape
                + ",\"data\":" + data + "}]}";
    }

    static String zeros(int n) { return "[" + String.join(",", Collections.nCopies(n, "0.5")) + "]"; }

    static void assertError(int status, String mentions, TestServer.Answer a) {
        assertEquals(status, a.status(), a.text());
        String error = a.json().get("error").asText();
        assertTrue(error.contains(mentions), "'" + error + "' should mention '" + mentions + "'");
    }

    @Test
    void malformedJsonIs400() {
        assertError(400, "malformed JSON", http.post("/v2/models/digits/infer", "{\"inputs\": [ {\"name\": "));
        assertError(400, "JSON object", http.post("/v2/models/digits/infer", "[1, 2]"));
        assertError(400, "inputs", http.post("/v2/models/digits/infer", "{}"));
    }

    @Test
    void wrongShapeIs400() {
        assertError(400, "shape", http.post("/v2/models/digits/infer", request("FP32", "[1,1,8,7]", zeros(56))));
    }

    @Test
    void wrongDatatypeIs400() {
        assertError(400, "FP32", http.post("/v2/models/digits/infer", request("INT32", "[1,1,8,8]",
                "[" + String.join(",", Collections.nCopies(64, "1")) + "]")));
        assertError(400, "unknown datatype", http.post("/v2/models/digits/infer", request("FLOAT", "[1,1,8,8]",
                zeros(64))));
        assertError(400, "not a number", http.post("/v2/models/digits/infer", request("FP32", "[1,1,8,8]",
                "[" + String.join(",", Collections.nCopies(64, "\"x\"")) + "]")));
    }

    @Test
    void elementCountMismatchIs400() {
        assertError(400, "64", http.post("/v2/models/digits/infer", request("FP32", "[1,1,8,8]", zeros(63))));
        assertError(400, "more elements", http.post("/v2/models/digits/infer", request("FP32", "[1,1,8,8]",
                zeros(65))));
    }

    @Test
    void hugeDeclaredShapeIs400BeforeAnyAllocation() {
        assertError(400, "limit", http.post("/v2/models/digits/infer",
                request("FP32", "[1000000000,1,8,8]", zeros(64))));
        // A product that overflows a long must not wrap around into a small, accepted count.
        assertError(400, "limit", http.post("/v2/models/digits/infer",
                request("FP32", "[4294967296,4294967296,1,1]", zeros(1))));
    }

    @Test
    void bodyOverTheLimitIs413() {
        String big = request("FP32", "[1,1,8,8]", zeros((int) (TestServer.MAX_BODY / 3)));
        assertError(413, "limit", http.post("/v2/models/digits/infer", big));
    }

    /**
     * A client still writing a body well over the limit gets the 413 every time: answered and closed while the body
     * still arrived, the connection was reset under the answer now and then.
     */
    @Test
    void aLargeBodyOverTheLimitIsAnsweredEveryTime() {
        byte[] big = new byte[(int) (TestServer.MAX_BODY * 16)];
        java.util.Arrays.fill(big, (byte) ' ');
        for (int i = 0; i < 40; i++) {
            assertError(413, "limit", http.post("/v2/models/digits/infer", big, -1));
        }
        // without a length: refused once past the limit, the rest still read and dropped
        for (int i = 0; i < 20; i++) {
            assertError(413, "more than", http.postChunked("/v2/models/digits/infer", big));
        }
    }

    /** A body declared far beyond the limit is refused at once, not read first: the client need send none of it. */
    @Test
    void aHugeDeclaredBodyIsRefusedWithoutWaitingForIt() throws Exception {
        try (java.net.Socket s = KilledClientTest.connect(http)) {
            s.setSoTimeout(10_000); // a server draining the body would wait for it until its idle timeout
            String head = "POST /v2/models/digits/infer HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                    + "Content-Length: " + (1L << 40) + "\r\n\r\n{\"inputs\": [";
            s.getOutputStream().write(head.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            s.getOutputStream().flush();
            String answer = new String(s.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.US_ASCII);
            assertTrue(answer.startsWith("HTTP/1.1 413"), answer);
            assertTrue(answer.toLowerCase(java.util.Locale.ROOT).contains("connection: close"), answer);
        }
    }

    /**
     * An error found before the body is read (here a model that is not loaded) still leaves the connection fit for the
     * next request: the body, sent after the headers as a client does, is read and dropped before the answer. Answered
     * at once, the connection was closed under a client that reused it ("header parser received no bytes").
     */
    @Test
    void aConnectionAnsweredBeforeItsBodyCarriesTheNextRequest() throws Exception {
        byte[] body = request("FP32", "[1,1,8,8]", zeros(64)).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        try (java.net.Socket s = KilledClientTest.connect(http)) {
            s.setSoTimeout(10_000);
            java.io.OutputStream out = s.getOutputStream();
            out.write(("POST /v2/models/nope/infer HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                    + "Content-Length: " + body.length + "\r\n\r\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            out.flush();
            Thread.sleep(200); // the handler runs before the body arrives
            out.write(body);
            out.write("GET /v2/health/ready HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
                    .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            out.flush();
            // the second request asks to close after its answer, so that reading to the end reads both
            String answers = new String(s.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.US_ASCII);
            assertTrue(answers.startsWith("HTTP/1.1 404"), answers);
            assertTrue(answers.contains("no model 'nope'"), answers);
            assertTrue(answers.contains("HTTP/1.1 200"), "the second request got no answer: " + answers);
        }
    }

    @Test
    void unknownModelOrVersionIs404() {
        assertError(404, "no model 'nope'", http.post("/v2/models/nope/infer", request("FP32", "[1,1,8,8]",
                zeros(64))));
        assertError(404, "version 7", http.get("/v2/models/digits/versions/7"));
        assertError(400, "positive integer", http.get("/v2/models/digits/versions/x1"));
        assertError(404, "endpoint", http.get("/v2/nothing/here"));
        assertError(405, "POST", http.get("/v2/models/digits/infer"));
    }

    @Test
    void pathTricksInAModelNameAre400() {
        assertError(400, "model name", http.get("/v2/models/..outside"));
        assertError(400, "model name", http.post("/v2/repository/models/.hidden/load", ""));
        assertError(400, "model name", http.post("/v2/repository/models/..outside/unload", ""));
        // Encoded separators and dots are refused by Jetty before any handler sees them, in the same JSON form.
        for (String name : java.util.List.of("..%2Foutside", "..%5Coutside", "%2E%2E", "%2e%2e%2Foutside")) {
            TestServer.Answer a = http.post("/v2/repository/models/" + name + "/load", "");
            assertEquals(400, a.status(), name + ": " + a.text());
            assertTrue(a.json().has("error"), a.text());
        }
        assertEquals(java.util.List.of(), http.server.inferenceServer().versions("outside"));
        assertTrue(http.server.repository().index().stream().noneMatch(e -> e.name().equals("outside")));
    }

    @Test
    void theServerStillAnswersAfterBadRequests() {
        malformedJsonIs400();
        assertEquals(200, http.post("/v2/models/digits/infer", request("FP32", "[1,1,8,8]", zeros(64))).status());
    }
}
