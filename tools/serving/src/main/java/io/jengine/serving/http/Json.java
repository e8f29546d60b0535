package io.jengine.serving.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;

/** The one JSON mapper of the HTTP layer, and the field access every body shares. */
final class Json {
    /**
     * Tensor elements are read from the token stream ({@link TensorJson#read}), each float converted once from its
     * text by the fast, correctly rounding parser; the other fields are small trees, whose decimals are kept exact.
     * NaN and infinities are accepted as bare tokens too, as Python's json module writes them.
     */
    static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
            .enable(StreamReadFeature.USE_FAST_DOUBLE_PARSER)
            .build();

    private Json() {}

    /** The body as a JSON object; anything else is a 400. */
    static ObjectNode object(byte[] body, int offset, int length) {
        JsonNode root;
        try {
            root = MAPPER.readTree(body, offset, length);
        } catch (JsonProcessingException e) {
            throw HttpError.badRequest("malformed JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new UncheckedIOException(e); // reading from memory does no I/O
        }
        if (root instanceof ObjectNode o) return o;
        throw HttpError.badRequest("the body must be a JSON object, got "
                + (root == null ? "nothing" : root.getNodeType()));
    }

    static ObjectNode object() { return MAPPER.createObjectNode(); }

    static byte[] bytes(JsonNode node) {
        try {
            return MAPPER.writeValueAsBytes(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a JSON tree failed to serialize", e);
        }
    }

    /** A required string field. */
    static String text(JsonNode parent, String field, String where) {
        JsonNode v = parent.get(field);
        if (v == null || !v.isTextual()) throw HttpError.badRequest(where + " needs a string '" + field + "'");
        return v.textValue();
    }

    /** An optional string field (null when absent). */
    static String optionalText(JsonNode parent, String field, String where) {
        JsonNode v = parent.get(field);
        if (v == null || v.isNull()) return null;
        if (!v.isTextual()) throw HttpError.badRequest(where + ": '" + field + "' must be a string");
        return v.textValue();
    }

    /** An optional array field (empty when absent). */
    static JsonNode array(JsonNode parent, String field, String where) {
        JsonNode v = parent.get(field);
        if (v == null || v.isNull()) return MAPPER.createArrayNode();
        if (!v.isArray()) throw HttpError.badRequest(where + ": '" + field + "' must be an array");
        return v;
    }

    /** An optional object field (empty when absent). */
    static JsonNode object(JsonNode parent, String field, String where) {
        JsonNode v = parent.get(field);
        if (v == null || v.isNull()) return MAPPER.createObjectNode();
        if (!v.isObject()) throw HttpError.badRequest(where + ": '" + field + "' must be an object");
        return v;
    }
}
