package io.jengine.serving.http;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jengine.serving.InferenceRequest;
import io.jengine.serving.InvalidRequestException;
import io.jengine.serving.V2Datatype;
import io.jengine.tensor.DType;
import io.jengine.tensor.Tensor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
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
        Envelope envelope = read(body, headerEnd);
        ObjectNode root = envelope.root;
        InferenceRequest.Builder request = InferenceRequest.builder().id(Json.optionalText(root, "id", "request"));
        BinaryCursor binary = new BinaryCursor(body, headerEnd);
        JsonNode inputs = Json.array(root, "inputs", "request");
        if (inputs.isEmpty()) throw HttpError.badRequest("request needs a non-empty 'inputs' array");
        Set<String> seen = new LinkedHashSet<>();
        for (int i = 0; i < inputs.size(); i++) {
            JsonNode input = inputs.get(i);
            String name = Json.text(input, "name", "each input");
            if (!seen.add(name)) throw new InvalidRequestException("input '" + name + "' is given twice");
            InputData data = i < envelope.data.size() ? envelope.data.get(i) : InputData.NONE;
            request.input(name, tensor(name, input, data, body, binary));
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

    private Tensor tensor(String name, JsonNode input, InputData data, byte[] body, BinaryCursor binary) {
        JsonNode size = Json.object(input, "parameters", "input '" + name + "'").get("binary_data_size");
        if (size != null) {
            if (data.present()) throw TensorJson.invalid(name, "has both 'data' and parameters.binary_data_size");
            Tensor t = declared(name, input, true).allocate();
            if (!size.canConvertToLong() || size.longValue() != t.byteSize()) {
                throw TensorJson.invalid(name, "has binary_data_size " + size + "; "
                        + V2Datatype.of(t.dtype()).orElseThrow()
                        + " " + Arrays.toString(t.shape()) + " takes " + t.byteSize() + " bytes");
            }
            binary.copyInto(name, t);
            return t;
        }
        Declared declared = declared(name, input, false);
        if (!data.present()) throw TensorJson.invalid(name, "has neither 'data' nor parameters.binary_data_size");
        if (data.tensor() != null) return data.tensor();
        Tensor t = declared.allocate();
        // The envelope's pass checked this JSON's syntax, so a failure here can only be the elements' own.
        try (JsonParser p = Json.MAPPER.createParser(body, (int) data.at(), (int) (data.end() - data.at()))) {
            p.nextToken();
            TensorJson.read(name, p, t);
        } catch (IOException e) {
            throw malformed(e);
        } catch (NumberFormatException e) {
            // a number Jackson refuses to hold (an exponent of thousands of digits)
            throw HttpError.badRequest("malformed JSON: " + e.getMessage());
        }
        return t;
    }

    /** An input's declared element type and shape, checked: what its tensor is allocated for. */
    private record Declared(DType dtype, long[] shape) {
        Tensor allocate() { return Tensor.allocateTransient(dtype, shape); }
    }

    /** The input's datatype, one this transport carries ({@code binary}: as raw bytes), and its shape in the limit. */
    private Declared declared(String name, JsonNode input, boolean binary) {
        DType dtype = V2Datatype.parse(Json.text(input, "datatype", "input '" + name + "'"));
        long[] shape = shape(name, input);
        // Strings (BYTES) have no fixed width to lay out in binary, nor a JSON form here yet.
        if (dtype == DType.STRING || (!binary && !TensorJson.supports(dtype))) {
            throw new InvalidRequestException("input '" + name + "': datatype " + V2Datatype.of(dtype).orElseThrow()
                    + " is not supported over HTTP");
        }
        return new Declared(dtype, shape);
    }

    /**
     * An input's {@code data}: its tensor, where the name, datatype and shape came before it (as clients write them)
     * and the elements went straight into it; else where its value lies in the body, read once the input's other
     * fields are known.
     */
    private record InputData(Tensor tensor, long at, long end) {
        static final InputData NONE = new InputData(null, -1, -1);

        boolean present() { return tensor != null || at >= 0; }
    }

    /** The request's JSON as trees, except the inputs' elements ({@link InputData}). */
    private record Envelope(ObjectNode root, List<InputData> data) {}

    /**
     * Reads the request's JSON in one pass: every field as a tree, except each input's {@code data}, whose elements
     * go from their text straight into the tensor ({@link TensorJson#read}); a tree of decimal numbers took longer to
     * build than a small model takes to run. Where an input's data comes before its type and shape, the tokenizer
     * skips it (checking its syntax) and {@link #tensor} reads it from where it lies.
     */
    private Envelope read(byte[] body, int length) {
        try (JsonParser p = Json.MAPPER.createParser(body, 0, length)) {
            JsonToken first = p.nextToken();
            if (first != JsonToken.START_OBJECT) {
                throw HttpError.badRequest("the body must be a JSON object, got "
                        + (first == null ? "nothing" : Json.MAPPER.<JsonNode>readTree(p).getNodeType()));
            }
            ObjectNode root = Json.object();
            List<InputData> data = new ArrayList<>();
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                if (p.nextToken() != JsonToken.START_ARRAY || !field.equals("inputs")) {
                    root.set(field, Json.MAPPER.<JsonNode>readTree(p));
                    continue;
                }
                ArrayNode inputs = root.putArray("inputs");
                data.clear();
                while (p.nextToken() != JsonToken.END_ARRAY) {
                    if (p.currentToken() != JsonToken.START_OBJECT) {
                        // not an input object: refused when its name is asked for
                        inputs.add(Json.MAPPER.<JsonNode>readTree(p));
                        data.add(InputData.NONE);
                        continue;
                    }
                    data.add(readInput(p, inputs.addObject()));
                }
            }
            if (p.nextToken() != null) throw HttpError.badRequest("malformed JSON: content after the object");
            return new Envelope(root, data);
        } catch (IOException e) {
            throw malformed(e);
        } catch (NumberFormatException e) {
            // a number Jackson refuses to hold (an exponent of thousands of digits)
            throw HttpError.badRequest("malformed JSON: " + e.getMessage());
        }
    }

    /**
     * A parser's failure on the body, as the 400 it is: malformed JSON, or bytes that the parser's encoding
     * detection took for UTF-16/32 but that are no valid text in it. Reading from memory does no other I/O.
     */
    private static RuntimeException malformed(IOException e) {
        if (e instanceof JsonProcessingException j) return HttpError.badRequest("malformed JSON: " + j.getOriginalMessage());
        if (e instanceof java.io.CharConversionException) {
            return HttpError.badRequest("malformed JSON: the body is not valid text (" + e.getMessage() + ")");
        }
        return new UncheckedIOException(e);
    }

    /** One input object's fields into {@code fields}, its data as {@link InputData} says. */
    private InputData readInput(JsonParser p, ObjectNode fields) throws IOException {
        InputData data = InputData.NONE;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            p.nextToken();
            if (!name.equals("data")) {
                fields.set(name, Json.MAPPER.<JsonNode>readTree(p));
            } else if (fields.path("name").isTextual() && fields.has("datatype") && fields.has("shape")) {
                String input = fields.get("name").textValue();
                Tensor t = declared(input, fields, false).allocate();
                TensorJson.read(input, p, t);
                data = new InputData(t, -1, -1);
            } else {
                long at = p.currentTokenLocation().getByteOffset();
                p.skipChildren();
                data = new InputData(null, at, p.currentLocation().getByteOffset());
            }
        }
        return data;
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
