package io.jengine.cpu.ref;

import static io.jengine.cpu.ref.ElementwiseTesting.assertDoubles;
import static io.jengine.cpu.ref.ElementwiseTesting.assertLongs;
import static io.jengine.cpu.ref.ElementwiseTesting.d;
import static io.jengine.cpu.ref.ElementwiseTesting.node;
import static io.jengine.cpu.ref.ElementwiseTesting.of;
import static io.jengine.cpu.ref.ElementwiseTesting.run;
import static io.jengine.cpu.ref.ElementwiseTesting.shape;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jengine.ir.Attribute;
import io.jengine.ir.Node;
import io.jengine.tensor.DType;
import io.jengine.tensor.Tensor;
import io.jengine.tensor.UnsupportedDTypeException;
import org.junit.jupiter.api.Test;

/** Cast, CastLike and BitCast between numeric types, bool and strings, checked against numpy's astype/view. */
class CastKernelsTest {

    private static Node cast(DType to) { return node("Cast", 1, Attribute.of("to", (long) to.onnxCode())); }

    private static Node bitCast(DType to) { return node("BitCast", 1, Attribute.of("to", (long) to.onnxCode())); }

    @Test
    void floatToIntegerTruncatesTowardZero() {
        Tensor x = d(shape(2, 2), 2.7, -2.7, 0.4, -127.9);
        assertLongs(run(cast(DType.INT8), 19, x), DType.INT8, shape(2, 2), 2, -2, 0, -127);
        assertLongs(run(cast(DType.BOOL), 19, d(0, -0.0, 0.1, Double.NaN)), DType.BOOL, shape(4), 0, 0, 1, 1);
    }

    @Test
    void integerToIntegerKeepsTheLowBits() {
        assertLongs(run(cast(DType.UINT8), 19, of(DType.INT32, 300, -1)), DType.UINT8, shape(2), 44, 255);
        assertLongs(run(cast(DType.INT64), 19, of(DType.UINT32, 0xFFFFFFFFL)), DType.INT64, shape(1), 0xFFFFFFFFL);
        assertLongs(run(cast(DType.INT32), 19, Tensor.ofBools(shape(2), true, false)), DType.INT32, shape(2), 1, 0);
    }

    @Test
    void unsignedSixtyFourBitConvertsAsUnsigned() {
        Tensor big = of(DType.UINT64, Long.MIN_VALUE + 2048);
        assertDoubles(run(cast(DType.FLOAT64), 19, big), DType.FLOAT64, shape(1), 0, 9.223372036854778e18);
        assertLongs(run(cast(DType.UINT64), 19, d(1.8e19)), DType.UINT64, shape(1), Long.parseUnsignedLong("18000000000000000000"));
    }

    @Test
    void floatWidthsRoundOnStore() {
        Tensor h = run(cast(DType.FLOAT16), 19, d(1.0 / 3, 65504, 1e6));
        assertDoubles(h, DType.FLOAT16, shape(3), 0, 0.333251953125, 65504, Double.POSITIVE_INFINITY);
        Tensor b = run(node("CastLike", 2), 19, d(1.0 / 3), Tensor.allocate(DType.BFLOAT16, 0));
        assertDoubles(b, DType.BFLOAT16, shape(1), 0, 0.333984375);
    }

    @Test
    void stringsParseAndPrintAsOnnxSpecifies() {
        Tensor s = Tensor.ofStrings(shape(5), "3.5", "-INF", "+inf", "NaN", "1e3");
        assertDoubles(run(cast(DType.FLOAT32), 19, s), DType.FLOAT32, shape(5), 0, 3.5, Double.NEGATIVE_INFINITY,
                Double.POSITIVE_INFINITY, Double.NaN, 1000);
        assertLongs(run(cast(DType.INT32), 19, Tensor.ofStrings(shape(3), "-12", "100.5", "1e3")), DType.INT32,
                shape(3), -12, 100, 1000);
        Tensor f = Tensor.fromDoubles(DType.FLOAT32, shape(6), new double[] {1e-5, 0.1, 123456, 1e20, -2.5,
            Double.NEGATIVE_INFINITY});
        assertArrayEquals(new String[] {"1e-05", "0.1", "123456.0", "1e+20", "-2.5", "-INF"},
                run(cast(DType.STRING), 19, f).toStringArray());
        assertArrayEquals(new String[] {"-7", "18446744073709551615"}, new String[] {
            run(cast(DType.STRING), 19, of(DType.INT8, -7)).getString(0),
            run(cast(DType.STRING), 19, of(DType.UINT64, -1L)).getString(0)});
    }

    @Test
    void bitCastReinterpretsBytes() {
        assertLongs(run(bitCast(DType.INT32), 26, Tensor.ofFloats(shape(1, 2), 1f, -2f)), DType.INT32, shape(1, 2),
                1065353216, Float.floatToIntBits(-2f));
        assertLongs(run(bitCast(DType.UINT8), 26, of(DType.INT8, -1, 5)), DType.UINT8, shape(2), 255, 5);
        Tensor f = run(bitCast(DType.FLOAT32), 26, of(DType.INT32, -1));
        assertTrue(Double.isNaN(f.getDouble(0)));
    }

    @Test
    void badTargetsAreReported() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> run(bitCast(DType.INT64), 26, Tensor.ofFloats(shape(1), 1f)));
        assertTrue(e.getMessage().contains("float32") && e.getMessage().contains("int64"), e.getMessage());
        assertThrows(UnsupportedDTypeException.class, () -> run(cast(DType.FLOAT8E4M3FN), 19, d(1)));
        e = assertThrows(IllegalArgumentException.class, () -> run(node("Cast", 1), 19, d(1)));
        assertTrue(e.getMessage().contains("'to'"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> run(cast(DType.INT32), 19, Tensor.ofStrings(shape(1), "abc")));
        assertTrue(e.getMessage().contains("abc"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> run(node("Cast", 1, Attribute.of("to", 99L)), 19, d(1)));
        assertTrue(e.getMessage().contains("'to'") && e.getMessage().contains("99"), e.getMessage());
    }
}
