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
import io.jengine.tensor.DType;
import io.jengine.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** Broadcasting binary, variadic and selection ops, checked against numpy. */
class BinaryKernelsTest {
    private static final double NAN = Double.NaN;

    @Test
    void arithmeticBroadcastsBothWays() {
        Tensor a = d(shape(2, 1), 1, 2);
        Tensor b = d(shape(3), 10, 20, 30);
        assertDoubles(run(node("Sub", 2), 14, a, b), DType.FLOAT64, shape(2, 3), 0, -9, -19, -29, -8, -18, -28);
        assertDoubles(run(node("Mul", 2), 14, b, a), DType.FLOAT64, shape(2, 3), 0, 10, 20, 30, 20, 40, 60);
        assertDoubles(run(node("Div", 2), 14, d(1, -1, 0), d(0.0)), DType.FLOAT64, shape(3), 0,
                Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, NAN);
        Tensor s = Tensor.ofDoubles(shape(), 0.5);
        assertDoubles(run(node("Add", 2), 14, s, d(shape(1, 2), 1, 2)), DType.FLOAT64, shape(1, 2), 0, 1.5, 2.5);
    }

    @Test
    void integerArithmeticWrapsAndDividesTowardZero() {
        assertLongs(run(node("Add", 2), 14, of(DType.INT8, 100, -100), of(DType.INT8, 100, -100)), DType.INT8, shape(2),
                -56, 56);
        assertLongs(run(node("Div", 2), 14, of(DType.INT32, -7, 7, -7), of(DType.INT32, 2, -2, -2)), DType.INT32,
                shape(3), -3, -3, 3);
        // (2^64 - 2) / 2 as uint64 is 2^63 - 1, not -1.
        assertLongs(run(node("Div", 2), 14, of(DType.UINT64, -2L), of(DType.UINT64, 2)), DType.UINT64, shape(1),
                Long.MAX_VALUE);
        assertLongs(run(node("Sub", 2), 14, of(DType.UINT8, 3), of(DType.UINT8, 5)), DType.UINT8, shape(1), 254);
    }

    @Test
    void modFollowsTheDivisorUnlessFmod() {
        Tensor a = of(DType.INT64, -7, 7, -7, 7), b = of(DType.INT64, 3, -3, -3, 3);
        assertLongs(run(node("Mod", 2), 13, a, b), DType.INT64, shape(4), 2, -2, -1, 1);
        assertLongs(run(node("Mod", 2, Attribute.of("fmod", 1L)), 13, a, b), DType.INT64, shape(4), -1, 1, -1, 1);
        assertDoubles(run(node("Mod", 2, Attribute.of("fmod", 1L)), 13, d(-5.5, 5.5), d(2, -2)), DType.FLOAT64,
                shape(2), 0, -1.5, 1.5);
        assertDoubles(run(node("Mod", 2), 13, d(-5.5, 5.5), d(2, -2)), DType.FLOAT64, shape(2), 0, 0.5, -0.5);
    }

    @Test
    void powMixesTypesAndIsExactOnIntegers() {
        assertLongs(run(node("Pow", 2), 15, of(DType.INT64, 3, 2, -2), of(DType.INT64, 41, 10, 3)), DType.INT64,
                shape(3), -420491770248316829L, 1024, -8);
        assertLongs(run(node("Pow", 2), 15, of(DType.INT32, 2, 3), d(0.5, 2)), DType.INT32, shape(2), 1, 9);
        assertDoubles(run(node("Pow", 2), 15, d(shape(2, 1), 2, -2), of(DType.INT64, 3, -1)), DType.FLOAT64,
                shape(2, 2), 0, 8, 0.5, -8, -0.5);
    }

    @Test
    void bitOperationsOnUnsignedAndSigned() {
        assertLongs(run(node("BitShift", 2, Attribute.of("direction", "LEFT")), 11, of(DType.UINT8, 1, 128),
                of(DType.UINT8, 3, 1)), DType.UINT8, shape(2), 8, 0);
        assertLongs(run(node("BitShift", 2, Attribute.of("direction", "RIGHT")), 11, of(DType.UINT64, -1L),
                of(DType.UINT64, 60)), DType.UINT64, shape(1), 15);
        assertLongs(run(node("BitwiseAnd", 2), 18, of(DType.INT16, shape(2, 2), 12, 10, -1, 7), of(DType.INT16, 6)),
                DType.INT16, shape(2, 2), 4, 2, 6, 6);
        assertLongs(run(node("BitwiseXor", 2), 18, of(DType.UINT32, 0xF0F0), of(DType.UINT32, 0xFFFF)), DType.UINT32,
                shape(1), 0x0F0F);
    }

    @Test
    void comparisonsAndLogic() {
        Tensor a = d(shape(2, 2), 1, NAN, -0.0, 3), b = d(1, 0.0);
        assertLongs(run(node("Equal", 2), 13, a, b), DType.BOOL, shape(2, 2), 1, 0, 0, 0);
        assertLongs(run(node("Equal", 2), 13, d(-0.0), d(0.0)), DType.BOOL, shape(1), 1);
        assertLongs(run(node("LessOrEqual", 2), 16, a, b), DType.BOOL, shape(2, 2), 1, 0, 1, 0);
        assertLongs(run(node("Greater", 2), 13, a, b), DType.BOOL, shape(2, 2), 0, 0, 0, 1);
        // 2^63 is greater than 1 as uint64.
        assertLongs(run(node("Greater", 2), 13, of(DType.UINT64, Long.MIN_VALUE), of(DType.UINT64, 1)), DType.BOOL,
                shape(1), 1);
        assertLongs(run(node("Less", 2), 13, of(DType.INT32, -5, 5), of(DType.INT32, 0)), DType.BOOL, shape(2), 1, 0);
        Tensor s = Tensor.ofStrings(shape(2, 2), "a", "b", "c", "a"), t = Tensor.ofStrings(shape(2), "a", "a");
        assertLongs(run(node("Equal", 2), 19, s, t), DType.BOOL, shape(2, 2), 1, 0, 0, 1);
        Tensor p = Tensor.ofBools(shape(2, 2), true, true, false, false), q = Tensor.ofBools(shape(2), true, false);
        assertLongs(run(node("And", 2), 7, p, q), DType.BOOL, shape(2, 2), 1, 0, 0, 0);
        assertLongs(run(node("Or", 2), 7, p, q), DType.BOOL, shape(2, 2), 1, 1, 1, 0);
        assertLongs(run(node("Xor", 2), 7, p, q), DType.BOOL, shape(2, 2), 0, 1, 1, 0);
    }

    @Test
    void variadicOpsBroadcastAllInputs() {
        Tensor a = d(shape(2, 3), 1, 2, 3, 4, 5, 6), b = d(shape(2, 1), 10, 20), c = d(0.5, -1, 2);
        assertDoubles(run(node("Sum", 3), 13, a, b, c), DType.FLOAT64, shape(2, 3), 0, 11.5, 11, 15, 24.5, 24, 28);
        assertDoubles(run(node("Mean", 3), 13, a, b, c), DType.FLOAT64, shape(2, 3), 1e-15, 3.8333333333333335,
                3.6666666666666665, 5.0, 8.166666666666666, 8.0, 9.333333333333334);
        assertDoubles(run(node("Max", 2), 13, d(1, NAN, 5), d(2, 0, NAN)), DType.FLOAT64, shape(3), 0, 2, NAN, NAN);
        assertDoubles(run(node("Min", 3), 13, a, b, c), DType.FLOAT64, shape(2, 3), 0, 0.5, -1, 2, 0.5, -1, 2);
        assertLongs(run(node("Max", 2), 13, of(DType.UINT64, Long.MIN_VALUE, 3), of(DType.UINT64, 5)), DType.UINT64,
                shape(2), Long.MIN_VALUE, 5);
        assertDoubles(run(node("Sum", 1), 13, d(4, 5)), DType.FLOAT64, shape(2), 0, 4, 5);
    }

    @Test
    void whereBroadcastsConditionAndValues() {
        Tensor cond = Tensor.ofBools(shape(2, 1), true, false);
        assertLongs(run(node("Where", 3), 16, cond, of(DType.INT32, 1, 2, 3), of(DType.INT32, -9)), DType.INT32,
                shape(2, 3), 1, 2, 3, -9, -9, -9);
        Tensor s = (Tensor) KernelHarness.run(node("Where", 3), 16, Tensor.ofBools(shape(2), false, true),
                Tensor.ofStrings(shape(2), "x", "y"), Tensor.ofStrings(shape(), "z"))[0];
        assertArrayEquals(new String[] {"z", "y"}, s.toStringArray());
    }

    @Test
    void clipFromAttributesOrOptionalInputs() {
        Tensor x = d(-3, -0.5, 0.5, 4, NAN);
        assertDoubles(run(node("Clip", 1, Attribute.of("min", -1f), Attribute.of("max", 1f)), 6, x), DType.FLOAT64,
                shape(5), 0, -1, -0.5, 0.5, 1, NAN);
        // Opset 11+: min omitted, max given; the node names an empty min input.
        assertDoubles(run(node("Clip", 3), 13, x, null, d(shape(), 0)), DType.FLOAT64, shape(5), 0, -3, -0.5, 0, 0,
                NAN);
        assertLongs(run(node("Clip", 3), 13, of(DType.INT8, -100, 5, 100), of(DType.INT8, shape(), -10),
                of(DType.INT8, shape(), 10)), DType.INT8, shape(3), -10, 5, 10);
        assertLongs(run(node("Clip", 3), 13, of(DType.UINT64, Long.MIN_VALUE, 7), of(DType.UINT64, shape(), 9),
                null), DType.UINT64, shape(2), Long.MIN_VALUE, 9);
        // min > max gives max everywhere.
        assertDoubles(run(node("Clip", 3), 13, d(0, 5), d(shape(), 3), d(shape(), 1)), DType.FLOAT64, shape(2), 0, 1, 1);
    }

    @Test
    void preluBroadcastsTheSlope() {
        Tensor x = d(shape(2, 3), -1, 2, -3, -4, 5, -6), slope = d(0.5, 0, 2);
        assertDoubles(run(node("PRelu", 2), 16, x, slope), DType.FLOAT64, shape(2, 3), 0, -0.5, 2, -6, -2, 5, -12);
        assertLongs(run(node("PRelu", 2), 16, of(DType.INT32, -4, 3), of(DType.INT32, 3)), DType.INT32, shape(2), -12, 3);
    }

    @Test
    void badInputsAndAttributesAreReported() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> run(node("Add", 2), 14, d(1, 2, 3), d(1, 2)));
        assertTrue(e.getMessage().contains("[3]") && e.getMessage().contains("[2]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> run(node("BitShift", 2, Attribute.of("direction", "UP")), 11, of(DType.UINT8, 1), of(DType.UINT8, 1)));
        assertTrue(e.getMessage().contains("direction") && e.getMessage().contains("UP"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> run(node("Add", 2), 14, d(1), of(DType.INT64, 1)));
        assertTrue(e.getMessage().contains("float64") && e.getMessage().contains("int64"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> run(node("Div", 2), 14, of(DType.UINT64, 1), of(DType.UINT64, 0)));
        assertTrue(e.getMessage().contains("division by zero"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> run(node("Clip", 3), 13, d(1), d(shape(2), 0, 1), null));
        assertTrue(e.getMessage().contains("[2]"), e.getMessage());
    }
}
