package io.jengine.serving.http;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;

/**
 * One HTTP answer before it is written: status, content type, body, and for a binary inference response the length
 * of the JSON that leads the body (-1: none), which goes into the {@code Inference-Header-Content-Length} header.
 */
record Reply(int status, String contentType, byte[] body, int jsonLength) {
    static final String JSON = "application/json";

    static Reply json(int status, JsonNode body) { return new Reply(status, JSON, Json.bytes(body), -1); }

    static Reply ok(JsonNode body) { return json(200, body); }

    static Reply text(String contentType, String body) {
        return new Reply(200, contentType, body.getBytes(StandardCharsets.UTF_8), -1);
    }

    /** KServe V2's error body: {@code {"error": "message"}}. */
    static Reply error(int status, String message) { return json(status, Json.object().put("error", message)); }
}
