package io.jengine.cli.loadgen;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jengine.cli.bench.BenchInputs;
import io.jengine.serving.V2Datatype;
import io.jengine.tensor.DType;
import io.jengine.tensor.Tensor;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * One KServe V2 infer request body, built once and sent as many times as the run asks: the inputs as JSON
 * {@code data}, or (Triton's binary tensor extension) as raw little-endian bytes after the JSON, whose length then
 * goes in the {@code Inference-Header-Content-Length} header.
 *
 * @param jsonLength the JSON part's length in bytes with binary tensors, -1 for a plain JSON body
 * @param batch      inferences per request: the leading dimension of the first input (1 for a scalar)
 */
public record InferBody(byte[] body, int jsonLength, long batch) {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    /**
     * The body for {@code inputs} (name to tensor); with {@code batch} above 0 each input is cut or repeated to that
     * many rows along axis 0, its rows taken in turn from the first.
     */
    public static InferBody of(Map<String, Tensor> inputs, int batch, boolean binary) {
        if (inputs.isEmpty()) throw new IllegalArgumentException("no inputs to send");
        Map<String, Tensor> rows = new LinkedHashMap<>();
        inputs.forEach((name, t) -> rows.put(name, batch > 0 ? BenchInputs.rows(name, t, batch) : t));
        try {
            ByteArrayOutputStream json = new ByteArrayOutputStream();
            List<byte[]> binaries = new ArrayList<>();
            try (JsonGenerator g = MAPPER.getFactory().createGenerator(json)) {
                g.writeStartObject();
                g.writeArrayFieldStart("inputs");
                for (var e : rows.entrySet()) {
                    Tensor t = e.getValue();
                    String datatype = V2Datatype.of(t.dtype()).filter(d -> !d.equals("BYTES"))
                            .orElseThrow(() -> new IllegalArgumentException("input '" + e.getKey() + "': "
                                    + t.dtype().label() + " tensors cannot be sent by this load generator"));
                    g.writeStartObject();
                    g.writeStringField("name", e.getKey());
                    g.writeArrayFieldStart("shape");
                    for (long d : t.shape()) g.writeNumber(d);
                    g.writeEndArray();
                    g.writeStringField("datatype", datatype);
                    if (binary) {
                        byte[] bytes = littleEndianBytes(t);
                        binaries.add(bytes);
                        g.writeObjectFieldStart("parameters");
                        g.writeNumberField("binary_data_size", bytes.length);
                        g.writeEndObject();
                    } else {
                        g.writeFieldName("data");
                        writeData(t, g);
                    }
                    g.writeEndObject();
                }
                g.writeEndArray();
                if (binary) {
                    // Binary answers too, so that the server's side of the run is the binary path throughout.
                    g.writeObjectFieldStart("parameters");
                    g.writeBooleanField("binary_data_output", true);
                    g.writeEndObject();
                }
                g.writeEndObject();
            }
            int jsonLength = json.size();
            for (byte[] b : binaries) json.write(b);
            Tensor first = rows.values().iterator().next();
            return new InferBody(json.toByteArray(), binary ? jsonLength : -1, first.rank() == 0 ? 1 : first.dim(0));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Generated inputs for a model as its V2 metadata ({@code GET /v2/models/NAME}) describes them: an open leading
     * dimension becomes {@code batch} (1 when not given), any other open dimension 1; values are drawn from a fixed
     * seed (floats in [0, 1), integers in [0, 10)), so that every run sends the same request.
     */
    public static InferBody fromMetadata(JsonNode metadata, int batch, boolean binary) {
        JsonNode inputs = metadata.path("inputs");
        if (!inputs.isArray() || inputs.isEmpty()) {
            throw new IllegalArgumentException("model metadata lists no inputs: " + metadata);
        }
        Random random = new Random(42);
        Map<String, Tensor> generated = new LinkedHashMap<>();
        for (JsonNode in : inputs) {
            String name = in.path("name").asText();
            DType dtype = V2Datatype.parse(in.path("datatype").asText());
            JsonNode dims = in.path("shape");
            long[] shape = new long[dims.size()];
            for (int i = 0; i < shape.length; i++) {
                long d = dims.get(i).asLong();
                shape[i] = d >= 0 ? d : i == 0 ? Math.max(batch, 1) : 1;
            }
            Tensor t = Tensor.allocate(dtype, shape);
            for (long i = 0; i < t.size(); i++) {
                switch (dtype) {
                    case FLOAT16, FLOAT32, FLOAT64, BFLOAT16 -> t.setDouble(i, random.nextFloat());
                    case BOOL -> t.setLong(i, random.nextBoolean() ? 1 : 0);
                    default -> t.setLong(i, random.nextInt(10));
                }
            }
            generated.put(name, t);
        }
        return of(generated, 0, binary);
    }

    private static byte[] littleEndianBytes(Tensor t) {
        // Tensors hold their elements in native order; Triton's binary format is little-endian.
        if (ByteOrder.nativeOrder() != ByteOrder.LITTLE_ENDIAN) {
            throw new IllegalArgumentException("--binary needs a little-endian machine");
        }
        return t.data().toArray(ValueLayout.JAVA_BYTE);
    }

    private static void writeData(Tensor t, JsonGenerator g) throws IOException {
        g.writeStartArray();
        for (long i = 0, n = t.size(); i < n; i++) {
            switch (t.dtype()) {
                case BOOL -> g.writeBoolean(t.getLong(i) != 0);
                case FLOAT16, FLOAT32, BFLOAT16 -> g.writeNumber((float) t.getDouble(i));
                case FLOAT64 -> g.writeNumber(t.getDouble(i));
                case UINT64 -> g.writeNumber(Long.toUnsignedString(t.getLong(i)));
                default -> g.writeNumber(t.getLong(i));
            }
        }
        g.writeEndArray();
    }
}
