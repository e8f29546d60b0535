package io.jengine.serving.http;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jengine.serving.InvalidRequestException;
import io.jengine.tensor.DType;
import io.jengine.tensor.Tensor;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * The JSON elements of a request, read from their text into the tensor: exact rounding, every element type's range,
 * nesting, and an input whose data comes before its type and shape (read in a second look at the body).
 */
class InferRequestDecoderTest {
    /**
     * 1 + 2^-24 + 2^-80: just above the midpoint between two floats. Rounded to a double first it lands on the
     * midpoint, which then rounds to even (1.0); rounded once it is 1 + 2^-23.
     */
    static final String ABOVE_MIDPOINT =
            "1.00000005960464477539062582718061255302767487140869206996285356581211090087890625";

    static final InferRequestDecoder DECODER = new InferRequestDecoder(1 << 20);

    static Tensor decode(String json) {
        return DECODER.decode(json.getBytes(StandardCharsets.UTF_8), -1).request().inputs().get("x");
    }

    static String input(String datatype, String shape, String data, boolean dataFirst) {
        return dataFirst
                ? "{\"inputs\":[{\"data\":" + data + ",\"name\":\"x\",\"shape\":" + shape + ",\"datatype\":\""
                        + datatype + "\"}]}"
                : "{\"inputs\":[{\"name\":\"x\",\"shape\":" + shape + ",\"datatype\":\"" + datatype + "\",\"data\":"
                        + data + "}]}";
    }

    static String error(String json) {
        RuntimeException e = assertThrows(RuntimeException.class, () -> decode(json));
        assertTrue(e instanceof InvalidRequestException || e instanceof HttpError, e.toString());
        return e.getMessage();
    }

    @Test
    void floatsRoundOnceFromTheirDecimalInEitherFieldOrder() {
        int exact = Float.floatToIntBits(new BigDecimal(ABOVE_MIDPOINT).floatValue());
        assertEquals(Float.floatToIntBits(1f + 0x1p-23f), exact);
        for (boolean dataFirst : new boolean[] {false, true}) {
            Tensor t = decode(input("FP32", "[3]", "[" + ABOVE_MIDPOINT + ", 0.1, -2.5e-3]", dataFirst));
            assertEquals(exact, Float.floatToIntBits(t.getFloat(0)), "data first: " + dataFirst);
            assertEquals(0.1f, t.getFloat(1));
            assertEquals(-2.5e-3f, t.getFloat(2));
            Tensor d = decode(input("FP64", "[2]", "[0.1, 16777217]", dataFirst));
            assertEquals(0.1, d.getDouble(0));
            assertEquals(16777217.0, d.getDouble(1));
        }
    }

    @Test
    void nonFiniteFloatsAsStringsOrBareTokens() {
        Tensor t = decode(input("FP32", "[5]", "[\"NaN\", \"Infinity\", \"-Infinity\", NaN, 1e39]", false));
        assertTrue(Float.isNaN(t.getFloat(0)));
        assertEquals(Float.POSITIVE_INFINITY, t.getFloat(1));
        assertEquals(Float.NEGATIVE_INFINITY, t.getFloat(2));
        assertTrue(Float.isNaN(t.getFloat(3)));
        assertEquals(Float.POSITIVE_INFINITY, t.getFloat(4), "a decimal beyond the float range rounds to infinity");
        assertTrue(error(input("FP32", "[1]", "[\"one\"]", false)).contains("not a number"));
    }

    @Test
    void nestedArraysAreRowMajor() {
        Tensor t = decode(input("INT32", "[2,3]", "[[1,2,3],[4,5,6]]", false));
        assertArrayEquals(new long[] {1, 2, 3, 4, 5, 6}, t.toLongArray());
        Tensor scalar = decode(input("FP32", "[]", "7.5", true));
        assertEquals(7.5f, scalar.getFloat(0));
    }

    @Test
    void integersKeepToTheirTypesRange() {
        assertArrayEquals(new long[] {-128, 127}, decode(input("INT8", "[2]", "[-128, 127]", false)).toLongArray());
        assertEquals(255, decode(input("UINT8", "[1]", "[255]", false)).getLong(0) & 0xff);
        assertEquals(-1L, decode(input("UINT64", "[1]", "[18446744073709551615]", true)).getLong(0));
        assertEquals(Long.MIN_VALUE, decode(input("INT64", "[1]", "[-9223372036854775808]", false)).getLong(0));
        assertTrue(error(input("INT8", "[1]", "[128]", false)).contains("-128..127"));
        assertTrue(error(input("UINT16", "[1]", "[-1]", false)).contains("0..65535"));
        assertTrue(error(input("UINT64", "[1]", "[18446744073709551616]", false)).contains("0..18446744073709551615"));
        assertTrue(error(input("INT64", "[1]", "[9223372036854775808]", false)).contains("INT64"));
        assertTrue(error(input("INT32", "[1]", "[1.5]", false)).contains("not an integer"));
        assertArrayEquals(new long[] {1, 0}, decode(input("BOOL", "[2]", "[true, false]", false)).toLongArray());
        assertTrue(error(input("BOOL", "[1]", "[1]", false)).contains("true or false"));
    }

    @Test
    void theElementCountMustMatchTheShape() {
        assertTrue(error(input("FP32", "[2,2]", "[1, 2, 3]", false)).contains("holds 3 elements, its shape needs 4"));
        assertTrue(error(input("FP32", "[2]", "[[1, 2], [3]]", true)).contains("more elements than its shape's 2"));
        assertTrue(error(input("FP32", "[1]", "[{\"a\": 1}]", false)).contains("an object"));
    }

    @Test
    void malformedDataIsMalformedJsonWhereverItLies() {
        for (boolean dataFirst : new boolean[] {false, true}) {
            assertTrue(error(input("FP32", "[2]", "[1, 2,]", dataFirst)).contains("malformed JSON"), "" + dataFirst);
        }
        assertTrue(error("{\"inputs\":[{\"name\":\"x\",\"shape\":[1],\"datatype\":\"FP32\",\"data\":[1]}]} [")
                .contains("malformed JSON"));
    }

    @Test
    void dataAndBinarySizeTogetherAreRefused() {
        String json = "{\"inputs\":[{\"name\":\"x\",\"shape\":[1],\"datatype\":\"FP32\",\"data\":[1],"
                + "\"parameters\":{\"binary_data_size\":4}}]}";
        assertTrue(error(json).contains("both 'data' and parameters.binary_data_size"));
        assertEquals(DType.FLOAT32, decode(input("FP32", "[1]", "[1]", false)).dtype());
    }
}
