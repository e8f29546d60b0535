package io.jengine.serving.http;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
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
 * from the decimal the JSON holds, correctly rounded once (straight from the token's text to the element type): an
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
     * Fills {@code into} (allocated for the declared shape) from the JSON value whose first token is the parser's
     * current one, read as a stream: no tree of the elements is built, and each number is converted once from its
     * text. The element count must match exactly.
     */
    static void read(String input, JsonParser p, Tensor into) throws IOException {
        Filler f = new Filler(input, p, into);
        f.walk();
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
        private final JsonParser p;
        private final Tensor into;
        private final MemorySegment m;
        private final DType type;
        /** The integer type's range, as signed longs (UINT64 is checked apart: its range does not fit). */
        private final long min, max;
        long next;

        Filler(String input, JsonParser p, Tensor into) {
            this.input = input;
            this.p = p;
            this.into = into;
            this.m = into.data();
            this.type = into.dtype();
            int bits = type.byteSize() * 8;
            boolean integral = switch (type) {
                case INT8, UINT8, INT16, UINT16, INT32, UINT32, INT64 -> true;
                default -> false;
            };
            this.min = !integral ? 0 : type.isUnsigned() ? 0 : bits == 64 ? Long.MIN_VALUE : -(1L << (bits - 1));
            this.max = !integral ? 0 : type.isUnsigned() ? (1L << bits) - 1 : bits == 64 ? Long.MAX_VALUE
                    : (1L << (bits - 1)) - 1;
        }

        void walk() throws IOException {
            int depth = 0;
            for (JsonToken t = p.currentToken(); ; t = p.nextToken()) {
                if (t == null) throw invalid(input, "has 'data' that ends early");
                if (t == JsonToken.START_ARRAY) {
                    depth++;
                } else if (t == JsonToken.END_ARRAY) {
                    depth--;
                } else {
                    // Checked before storing, so that more data than the shape holds never writes past the tensor.
                    if (next >= into.size()) {
                        throw invalid(input, "holds more elements than its shape's " + into.size());
                    }
                    store(next++, t);
                }
                if (depth == 0) return;
            }
        }

        private void store(long i, JsonToken t) throws IOException {
            switch (type) {
                case BOOL -> m.set(ValueLayout.JAVA_BYTE, i, (byte) (bool(t, i) ? 1 : 0));
                case INT8, UINT8 -> m.set(ValueLayout.JAVA_BYTE, i, (byte) integer(t, i));
                case INT16, UINT16 -> m.setAtIndex(ValueLayout.JAVA_SHORT, i, (short) integer(t, i));
                case INT32, UINT32 -> m.setAtIndex(ValueLayout.JAVA_INT, i, (int) integer(t, i));
                case INT64, UINT64 -> m.setAtIndex(ValueLayout.JAVA_LONG, i, integer(t, i));
                case FLOAT16 -> m.setAtIndex(ValueLayout.JAVA_SHORT, i, Float.floatToFloat16(real(t, i)));
                case FLOAT32 -> m.setAtIndex(ValueLayout.JAVA_FLOAT, i, real(t, i));
                case FLOAT64 -> m.setAtIndex(ValueLayout.JAVA_DOUBLE, i, wide(t, i));
                default -> throw new IllegalStateException("no JSON form for " + type);
            }
        }

        private boolean bool(JsonToken t, long i) throws IOException {
            if (t != JsonToken.VALUE_TRUE && t != JsonToken.VALUE_FALSE) throw element(i, t, "true or false");
            return t == JsonToken.VALUE_TRUE;
        }

        /** The value, in range of the element type, as the low bits of a long (UINT64: its two's complement). */
        private long integer(JsonToken t, long i) throws IOException {
            if (t != JsonToken.VALUE_NUMBER_INT) throw element(i, t, "an integer");
            if (type == DType.UINT64) {
                BigInteger b = p.getBigIntegerValue();
                if (b.signum() < 0 || b.compareTo(UINT64_MAX) > 0) throw range(i, t, BigInteger.ZERO, UINT64_MAX);
                return b.longValue();
            }
            if (p.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
                throw range(i, t, BigInteger.valueOf(min), BigInteger.valueOf(max));
            }
            long v = p.getLongValue();
            if (v < min || v > max) throw range(i, t, BigInteger.valueOf(min), BigInteger.valueOf(max));
            return v;
        }

        /**
         * The number as a float, rounded once from the decimal written: the parser converts the token's text
         * straight to a float (read as a double first, some decimals would round twice).
         */
        private float real(JsonToken t, long i) throws IOException {
            if (t == JsonToken.VALUE_NUMBER_INT || t == JsonToken.VALUE_NUMBER_FLOAT) return p.getFloatValue();
            return (float) special(t, i);
        }

        private double wide(JsonToken t, long i) throws IOException {
            if (t == JsonToken.VALUE_NUMBER_INT || t == JsonToken.VALUE_NUMBER_FLOAT) return p.getDoubleValue();
            return special(t, i);
        }

        /** NaN and the infinities, which JSON numbers cannot be, as strings. */
        private double special(JsonToken t, long i) throws IOException {
            if (t == JsonToken.VALUE_STRING) {
                switch (p.getText()) {
                    case "NaN": return Double.NaN;
                    case "Infinity", "+Infinity": return Double.POSITIVE_INFINITY;
                    case "-Infinity": return Double.NEGATIVE_INFINITY;
                    default: break;
                }
            }
            throw element(i, t, "a number");
        }

        private InvalidRequestException range(long i, JsonToken t, BigInteger lo, BigInteger hi) throws IOException {
            return element(i, t, "an integer in " + lo + ".." + hi + " (" + V2Datatype.of(type).orElseThrow() + ")");
        }

        private InvalidRequestException element(long i, JsonToken t, String want) throws IOException {
            String shown = switch (t) {
                case START_OBJECT -> "an object";
                case VALUE_STRING -> "\"" + p.getText() + "\"";
                default -> p.getText();
            };
            if (shown.length() > 40) shown = shown.substring(0, 40) + "...";
            return invalid(input, "element " + i + " is " + shown + ", not " + want + " as "
                    + V2Datatype.of(type).orElseThrow() + " needs");
        }
    }

    static InvalidRequestException invalid(String input, String message) {
        return new InvalidRequestException("input '" + input + "' " + message);
    }
}
