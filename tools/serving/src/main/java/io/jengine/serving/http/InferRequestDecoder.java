package io.jengine.serving.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jengine.serving.InferenceRequest;
import io.jengine.serving.InvalidRequestException;
import io.jengine.serving.V2Datatype;
import io.jengine.tensor.DType;
import io.jengine.tensor.Tensor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * Reads a V2 inference request body: a JSON object {@code {id, parameters, inputs: [{name, shape, datatype,
 * parameters, data}], outputs: [{name, parameters}]}}, optionally followed by binary tensor data (Triton's binary
 * tensor extension: the JSON's length in the {@code Inference-Header-Content-Length} header, each binary input's
 * byte count in its {@code parameters.binary_data_size}, the bytes in input order after the JSON).
 *
 * <p>A declared shape is checked against the element limit before anything is allocated, so that a request naming a
 * huge shape is a 400, never an allocation; the data must then fill it exactly.
 */
final class InferRequestDecoder {
    /** Triton's binary tensors are little-endian, whatever the machine. */
    private static final ByteOrder WIRE = ByteOrder.LITTLE_ENDIAN;

    private final long maxElements;

    InferRequestDecoder(long maxElements) { this.maxElements = maxElements; }

    /** What a request asks for: the engine request, and which outputs come back as binary data. */
    record Decoded(InferenceRequest request, Set<String> binaryOutputs, boolean allBinary) {
        boolean binary(String output) { return allBinary || binaryOutputs.contains(output); }
    }

    /** @param jsonLength the JSON header's length, or -1 when the whole body is JSON */
    Decoded decode(byte[] body, int jsonLength) {
        if (jsonLength > body.length) {
            throw HttpError.badRequest("Inference-Header-Content-Length is " + jsonLength + ", the body has only "
                    + body.length + " bytes");
        }
        int headerEnd = jsonLength < 0 ? body.length : jsonLength;
        ObjectNode root = Json.object(body, 0, headerEnd);
        InferenceRequest.Builder request = InferenceRequest.builder().id(Json.optionalText(root, "id", "request"));
        BinaryCursor binary = new BinaryCursor(body, headerEnd);
        JsonNode inputs = Json.array(root, "inputs", "request");
        if (inputs.isEmpty()) throw HttpError.badRequest("request needs a non-empty 'inputs' array");
        Set<String> seen = new LinkedHashSet<>();
        for (JsonNode input : inputs) {
            String name = Json.text(input, "name", "each input");
            if (!seen.add(name)) throw new InvalidRequestException("input '" + name + "' is given twice");
            request.input(name, tensor(name, input, binary));
        }
        if (binary.remaining() > 0) {
            throw HttpError.badRequest(binary.remaining() + " bytes of binary data follow the JSON that no input's "
                    + "binary_data_size claims");
        }
        Set<String> binaryOutputs = new LinkedHashSet<>();
        for (JsonNode output : Json.array(root, "outputs", "request")) {
            String name = Json.text(output, "name", "each requested output");
            request.output(name);
            JsonNode parameters = Json.object(output, "parameters", "output '" + name + "'");
            if (flag(parameters, "binary_data")) binaryOutputs.add(name);
        }
        boolean allBinary = flag(Json.object(root, "parameters", "request"), "binary_data_output");
        return new Decoded(request.build(), binaryOutputs, allBinary);
    }

    private Tensor tensor(String name, JsonNode input, BinaryCursor binary) {
        DType dtype = V2Datatype.parse(Json.text(input, "datatype", "input '" + name + "'"));
        long[] shape = shape(name, input);
        JsonNode size = Json.object(input, "parameters", "input '" + name + "'").get("binary_data_size");
        // Strings (BYTES) have no fixed width to lay out in binary, nor a JSON form here yet.
        if (dtype == DType.STRING || (size == null && !TensorJson.supports(dtype))) {
            throw new InvalidRequestException("input '" + name + "': datatype " + V2Datatype.of(dtype).orElseThrow()
                    + " is not supported over HTTP");
        }
        Tensor t = Tensor.allocate(dtype, shape);
        if (size != null) {
            if (input.has("data")) throw TensorJson.invalid(name, "has both 'data' and parameters.binary_data_size");
            if (!size.canConvertToLong() || size.longValue() != t.byteSize()) {
                throw TensorJson.invalid(name, "has binary_data_size " + size + "; "
                        + V2Datatype.of(dtype).orElseThrow()
                        + " " + Arrays.toString(shape) + " takes " + t.byteSize() + " bytes");
            }
            binary.copyInto(name, t);
        } else {
            JsonNode data = input.get("data");
            if (data == null) throw TensorJson.invalid(name, "has neither 'data' nor parameters.binary_data_size");
            TensorJson.read(name, data, t);
        }
        return t;
    }

    /** The declared shape, checked against the element limit without overflowing. */
    private long[] shape(String name, JsonNode input) {
        JsonNode dims = input.get("shape");
        if (dims == null || !dims.isArray()) throw HttpError.badRequest("input '" + name + "' needs a 'shape' array");
        long[] shape = new long[dims.size()];
        long elements = 1;
        for (int i = 0; i < shape.length; i++) {
            JsonNode d = dims.get(i);
            if (!d.canConvertToExactIntegral() || !d.canConvertToLong() || d.longValue() < 0) {
                throw TensorJson.invalid(name, "has shape " + dims + ": dimensions are integers from 0");
            }
            shape[i] = d.longValue();
            // Compared by division so that the product never overflows before the check.
            if (shape[i] != 0 && elements > maxElements / shape[i]) elements = maxElements + 1;
            else elements *= shape[i];
        }
        if (elements > maxElements) {
            throw TensorJson.invalid(name, "has shape " + dims + ", above the limit of " + maxElements
                    + " elements per tensor");
        }
        return shape;
    }

    private static boolean flag(JsonNode parameters, String name) {
        JsonNode v = parameters.get(name);
        return v != null && v.asBoolean(false);
    }

    /** The binary section after the JSON, handed out to inputs in order. */
    private static final class BinaryCursor {
        private final MemorySegment body;
        private long at;

        BinaryCursor(byte[] body, int start) {
            this.body = MemorySegment.ofArray(body);
            this.at = start;
        }

        long remaining() { return body.byteSize() - at; }

        void copyInto(String input, Tensor t) {
            long bytes = t.byteSize();
            if (bytes > remaining()) {
                throw TensorJson.invalid(input, "needs " + bytes + " bytes of binary data, " + remaining() + " remain");
            }
            int width = t.dtype().byteSize();
            ValueLayout wire = elementLayout(width).withOrder(WIRE);
            MemorySegment.copy(body, wire, at, t.data(), elementLayout(width), 0, bytes / width);
            at += bytes;
        }
    }

    /** A layout of {@code width} bytes in the machine's order, whose copies swap bytes where the orders differ. */
    static ValueLayout elementLayout(int width) {
        return switch (width) {
            case 1 -> ValueLayout.JAVA_BYTE;
            case 2 -> ValueLayout.JAVA_SHORT_UNALIGNED;
            case 4 -> ValueLayout.JAVA_INT_UNALIGNED;
            case 8 -> ValueLayout.JAVA_LONG_UNALIGNED;
            default -> throw new IllegalArgumentException("no element layout of " + width + " bytes");
        };
    }
}
