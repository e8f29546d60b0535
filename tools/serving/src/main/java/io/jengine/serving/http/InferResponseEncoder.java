package io.jengine.serving.http;

import com.fasterxml.jackson.core.JsonGenerator;
import io.jengine.serving.InferenceResponse;
import io.jengine.serving.V2Datatype;
import io.jengine.tensor.Tensor;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Writes a V2 inference response: {@code {model_name, model_version, id, outputs: [{name, datatype, shape, data}]}},
 * streamed through Jackson's generator rather than built as a tree (an output can hold millions of elements). An
 * output asked for as binary carries {@code parameters.binary_data_size} instead of {@code data}, and its
 * little-endian bytes follow the JSON in output order; {@link Encoded#jsonLength} is then the header's length.
 */
final class InferResponseEncoder {
    private InferResponseEncoder() {}

    /** @param jsonLength the JSON's length when binary data follows it, else -1 */
    record Encoded(byte[] body, int jsonLength) {}

    static Encoded encode(InferenceResponse response, InferRequestDecoder.Decoded asked) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        List<Tensor> binary = new ArrayList<>();
        try (JsonGenerator json = Json.MAPPER.getFactory().createGenerator(out)) {
            json.writeStartObject();
            json.writeStringField("model_name", response.modelName());
            json.writeStringField("model_version", Integer.toString(response.modelVersion()));
            if (response.id() != null) json.writeStringField("id", response.id());
            json.writeArrayFieldStart("outputs");
            for (Map.Entry<String, Tensor> e : response.outputs().entrySet()) {
                Tensor t = e.getValue();
                json.writeStartObject();
                json.writeStringField("name", e.getKey());
                json.writeStringField("datatype", V2Datatype.of(t.dtype()).orElseThrow());
                json.writeArrayFieldStart("shape");
                for (long d : t.shape()) json.writeNumber(d);
                json.writeEndArray();
                if (asked.binary(e.getKey()) || !TensorJson.supports(t.dtype())) {
                    json.writeObjectFieldStart("parameters");
                    json.writeNumberField("binary_data_size", t.byteSize());
                    json.writeEndObject();
                    binary.add(t);
                } else {
                    json.writeFieldName("data");
                    TensorJson.write(t, json);
                }
                json.writeEndObject();
            }
            json.writeEndArray();
            json.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e); // writing to memory does no I/O
        }
        if (binary.isEmpty()) return new Encoded(out.toByteArray(), -1);
        int jsonLength = out.size();
        for (Tensor t : binary) out.writeBytes(littleEndian(t));
        return new Encoded(out.toByteArray(), jsonLength);
    }

    private static byte[] littleEndian(Tensor t) {
        int width = t.dtype().byteSize();
        byte[] bytes = new byte[Math.toIntExact(t.byteSize())];
        MemorySegment.copy(t.data(), InferRequestDecoder.elementLayout(width), 0, MemorySegment.ofArray(bytes),
                InferRequestDecoder.elementLayout(width).withOrder(ByteOrder.LITTLE_ENDIAN), 0, t.size());
        return bytes;
    }
}
