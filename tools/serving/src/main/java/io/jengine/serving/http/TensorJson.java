package io.jengine.serving.http;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import io.jengine.serving.InvalidRequestException;
import io.jengine.serving.V2Datatype;
import io.jengine.tensor.DType;
import io.jengine.tensor.Tensor;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.math.BigInteger;

/**
 * A tensor's elements as KServe V2's JSON {@code data} holds them: row-major, flat or nested as the shape nests
 * (both are read), booleans for BOOL, integers for the integer types, numbers for the floating-point types (and the
 * strings {@code "NaN"}, {@code "Infinity"}, {@code "-Infinity"}, which JSON numbers cannot be).
 *
 * <p>Floats are written as the shortest decimal that reads back as the same float ({@link Float#toString}), and read
 * from the exact decimal the JSON holds (the parser keeps it as a {@code BigDecimal}), correctly rounded once: an
 * output read back is bit-identical to the tensor written.
 */
final class TensorJson {
    private static final BigInteger UINT64_MAX = BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE);

    private TensorJson() {}

    /** Whether JSON carries this element type. */
    static boolean supports(DType t) {
        return switch (t) {
            case BOOL, UINT8, INT8, UINT16, INT16, UINT32, INT32, UINT64, INT64, FLOAT16, FLOAT32, FLOAT64 -> true;
            default -> false;
        };
    }

    /**
     * Fills {@code into} (allocated for the declared shape) from {@code data}; the element count must match exactly.
     */
    static void read(String input, JsonNode data, Tensor into) {
        Filler f = new Filler(input, into);
        f.walk(data);
        if (f.next != into.size()) {
            throw invalid(input, "holds " + f.next + " elements, its shape needs " + into.size());
        }
    }

    static void write(Tensor t, JsonGenerator json) throws IOException {
        json.writeStartArray();
        MemorySegment m = t.data();
        for (long i = 0, n = t.size(); i < n; i++) {
            switch (t.dtype()) {
                case BOOL -> json.writeBoolean(m.get(ValueLayout.JAVA_BYTE, i) != 0);
                case INT8 -> json.writeNumber(m.get(ValueLayout.JAVA_BYTE, i));
                case UINT8 -> json.writeNumber(Byte.toUnsignedInt(m.get(ValueLayout.JAVA_BYTE, i)));
                case INT16 -> json.writeNumber(m.getAtIndex(ValueLayout.JAVA_SHORT, i));
                case UINT16 -> json.writeNumber(Short.toUnsignedInt(m.getAtIndex(ValueLayout.JAVA_SHORT, i)));
                case INT32 -> json.writeNumber(m.getAtIndex(ValueLayout.JAVA_INT, i));
                case UINT32 -> json.writeNumber(Integer.toUnsignedLong(m.getAtIndex(ValueLayout.JAVA_INT, i)));
                case INT64 -> json.writeNumber(m.getAtIndex(ValueLayout.JAVA_LONG, i));
                case UINT64 -> json.writeNumber(Long.toUnsignedString(m.getAtIndex(ValueLayout.JAVA_LONG, i)));
                case FLOAT16 -> json.writeNumber(Float.float16ToFloat(m.getAtIndex(ValueLayout.JAVA_SHORT, i)));
                case FLOAT32 -> json.writeNumber(m.getAtIndex(ValueLayout.JAVA_FLOAT, i));
                case FLOAT64 -> json.writeNumber(m.getAtIndex(ValueLayout.JAVA_DOUBLE, i));
                default -> throw new IllegalStateException("no JSON form for " + t.dtype()); // checked by supports
            }
        }
        json.writeEndArray();
    }

    /** Walks nested arrays depth-first, storing each leaf at the next row-major index. */
    private static final class Filler {
        private final String input;
        private final Tensor into;
        private final MemorySegment m;
        long next;

        Filler(String input, Tensor into) {
            this.input = input;
            this.into = into;
            this.m = into.data();
        }

        void walk(JsonNode node) {
            if (node.isArray()) {
                for (JsonNode child : node) walk(child);
                return;
            }
            // Checked before storing, so that more data than the shape holds never writes past the tensor.
            if (next >= into.size()) throw invalid(input, "holds more elements than its shape's " + into.size());
            store(next++, node);
        }

        private void store(long i, JsonNode v) {
            switch (into.dtype()) {
                case BOOL -> m.set(ValueLayout.JAVA_BYTE, i, (byte) (bool(v) ? 1 : 0));
                case INT8, UINT8 -> m.set(ValueLayout.JAVA_BYTE, i, (byte) integer(v, i));
                case INT16, UINT16 -> m.setAtIndex(ValueLayout.JAVA_SHORT, i, (short) integer(v, i));
                case INT32, UINT32 -> m.setAtIndex(ValueLayout.JAVA_INT, i, (int) integer(v, i));
                case INT64, UINT64 -> m.setAtIndex(ValueLayout.JAVA_LONG, i, integer(v, i));
                case FLOAT16 -> m.setAtIndex(ValueLayout.JAVA_SHORT, i, Float.floatToFloat16(real(v, i).floatValue()));
                case FLOAT32 -> m.setAtIndex(ValueLayout.JAVA_FLOAT, i, real(v, i).floatValue());
                case FLOAT64 -> m.setAtIndex(ValueLayout.JAVA_DOUBLE, i, real(v, i).doubleValue());
                default -> throw new IllegalStateException("no JSON form for " + into.dtype());
            }
        }

        private boolean bool(JsonNode v) {
            if (!v.isBoolean()) throw element(next - 1, v, "true or false");
            return v.booleanValue();
        }

        /** The value, in range of the element type, as the low bits of a long (UINT64: its two's complement). */
        private long integer(JsonNode v, long i) {
            if (!v.isIntegralNumber()) throw element(i, v, "an integer");
            BigInteger b = v.bigIntegerValue();
            DType t = into.dtype();
            BigInteger min = t.isUnsigned() ? BigInteger.ZERO : BigInteger.ONE.shiftLeft(t.byteSize() * 8 - 1).negate();
            BigInteger max = t == DType.UINT64 ? UINT64_MAX
                    : t.isUnsigned() ? BigInteger.ONE.shiftLeft(t.byteSize() * 8).subtract(BigInteger.ONE)
                    : BigInteger.ONE.shiftLeft(t.byteSize() * 8 - 1).subtract(BigInteger.ONE);
            if (b.compareTo(min) < 0 || b.compareTo(max) > 0) {
                throw element(i, v, "an integer in " + min + ".." + max + " (" + V2Datatype.of(t).orElseThrow() + ")");
            }
            return b.longValue();
        }

        /** The number as a double or float takes it, rounded once from the JSON's exact decimal. */
        private Number real(JsonNode v, long i) {
            // BigDecimal's floatValue and doubleValue each round once; a float reached through a double could
            // round twice.
            if (v.isBigDecimal()) return v.decimalValue();
            if (v.isNumber()) return v.numberValue(); // integers, and NaN/Infinity where the parser allowed them
            if (v.isTextual()) {
                switch (v.textValue()) {
                    case "NaN": return Double.NaN;
                    case "Infinity", "+Infinity": return Double.POSITIVE_INFINITY;
                    case "-Infinity": return Double.NEGATIVE_INFINITY;
                    default: break;
                }
            }
            throw element(i, v, "a number");
        }

        private InvalidRequestException element(long i, JsonNode v, String want) {
            String shown = v.toString();
            if (shown.length() > 40) shown = shown.substring(0, 40) + "...";
            return invalid(input, "element " + i + " is " + shown + ", not " + want + " as "
                    + V2Datatype.of(into.dtype()).orElseThrow() + " needs");
        }
    }

    static InvalidRequestException invalid(String input, String message) {
        return new InvalidRequestException("input '" + input + "' " + message);
    }
}
