package io.jengine.cpu.ref;

import static io.jengine.cpu.ref.RefChecks.*;

import io.jengine.ir.Attribute;
import io.jengine.tensor.DType;
import io.jengine.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** Cast, CastLike and BitCast between float, integer, bool and string types. */
class CastKernelsSeededTest {

    private static Tensor cast(Tensor x, DType to) {
        return (Tensor) KernelHarness.run(node("Cast", in("x"), Attribute.of("to", (long) to.onnxCode())), 21, x)[0];
    }

    @Test
    void floatToIntegerTruncatesTowardZero() {
        double[] x = data(1, 12, -100, 100);
        long[] want = new long[12];
        for (int i = 0; i < 12; i++) want[i] = (long) x[i];
        for (DType dt : new DType[] {DType.INT8, DType.INT16, DType.INT32, DType.INT64}) {
            check(l(dt, shape(3, 4), want), cast(t(DType.FLOAT64, shape(3, 4), x), dt));
        }
    }

    @Test
    void integerNarrowingWrapsLikeC() {
        // 300 -> int8 44, -1 -> uint8 255, 70000 -> int16 4464, -1 -> uint32 4294967295.
        Tensor x = l(DType.INT64, shape(4), 300, -1, 70000, -1);
        check(l(DType.INT8, shape(4), 44, -1, 112, -1), cast(x, DType.INT8));
        check(l(DType.UINT8, shape(4), 44, 255, 112, 255), cast(x, DType.UINT8));
        check(l(DType.INT16, shape(4), 300, -1, 4464, -1), cast(x, DType.INT16));
        check(l(DType.UINT32, shape(4), 300, 4294967295L, 70000, 4294967295L), cast(x, DType.UINT32));
        // uint64 2^63 to double is positive.
        check(t(DType.FLOAT64, shape(1), 9.223372036854775808e18), cast(l(DType.UINT64, shape(1), Long.MIN_VALUE), DType.FLOAT64));
    }

    @Test
    void floatRoundTripsThroughHalfPrecision() {
        double[] x = data(2, 8, -1000, 1000);
        Tensor h = cast(t(DType.FLOAT64, shape(8), x), DType.FLOAT16);
        for (int i = 0; i < 8; i++) {
            // float16 has an 11-bit significand: relative error at most 2^-11.
            org.junit.jupiter.api.Assertions.assertTrue(Math.abs(h.getDouble(i) - x[i]) <= Math.abs(x[i]) * Math.pow(2, -11), "element " + i);
        }
        check(t(DType.FLOAT32, shape(8), ElementwiseKernelsTest.rounded(DType.FLOAT16, x)), cast(h, DType.FLOAT32));
        check(t(DType.FLOAT16, shape(3), Double.POSITIVE_INFINITY, Double.NaN, 65504),
                cast(t(DType.FLOAT32, shape(3), 1e6, Double.NaN, 65504), DType.FLOAT16));
    }

    @Test
    void boolAndStringConversions() {
        check(l(DType.BOOL, shape(4), 1, 0, 1, 1), cast(t(DType.FLOAT32, shape(4), -0.5, 0, Double.NaN, 3), DType.BOOL));
        check(t(DType.FLOAT32, shape(3), 1, 0, 1), cast(l(DType.BOOL, shape(3), 1, 0, 1), DType.FLOAT32));
        check(t(DType.FLOAT32, shape(4), 3.5, -2, 1e-3, Double.POSITIVE_INFINITY),
                cast(Tensor.ofStrings(shape(4), "3.5", "-2", "1e-3", "INF"), DType.FLOAT32));
        check(l(DType.INT32, shape(2), -17, 42), cast(Tensor.ofStrings(shape(2), "-17", "42"), DType.INT32));
        check(Tensor.ofStrings(shape(3), "-17", "42", "0"), cast(l(DType.INT64, shape(3), -17, 42, 0), DType.STRING));
    }

    @Test
    void castLikeTakesTheSecondInputsType() {
        check(l(DType.UINT16, shape(2), 65535, 7), (Tensor) KernelHarness.run(node("CastLike", in("x", "t")), 19,
                l(DType.INT32, shape(2), -1, 7), l(DType.UINT16, shape(1), 1))[0]);
    }

    @Test
    void bitCastReinterpretsBytes() {
        // 1.0f is 0x3F800000 = 1065353216.
        check(l(DType.INT32, shape(2), 1065353216, -1082130432), (Tensor) KernelHarness.run(node("BitCast", in("x"),
                Attribute.of("to", (long) DType.INT32.onnxCode())), 26, t(DType.FLOAT32, shape(2), 1, -1))[0]);
    }

    @Test
    void badCastsNameTheProblem() {
        fails(() -> KernelHarness.run(node("Cast", in("x")), 21, t(DType.FLOAT32, shape(1), 1)), "'to'", "required");
        fails(() -> cast(Tensor.ofStrings(shape(1), "abc"), DType.FLOAT32), "abc");
        fails(() -> KernelHarness.run(node("BitCast", in("x"), Attribute.of("to", (long) DType.INT64.onnxCode())), 26,
                t(DType.FLOAT32, shape(1), 1)), "float32", "int64");
    }

    @Test
    void narrowFloatsRoundToNearestEven() {
        // float16 keeps 10 fraction bits: 1 + 2^-11 is a tie -> 1; 1 + 3*2^-11 -> 1 + 2^-9 (even).
        check(t(DType.FLOAT16, shape(2), 1, 1 + Math.pow(2, -9)),
                cast(t(DType.FLOAT64, shape(2), 1 + Math.pow(2, -11), 1 + 3 * Math.pow(2, -11)), DType.FLOAT16), io.jengine.verify.Tolerance.EXACT);
        // bfloat16 keeps 7: 1 + 2^-8 -> 1; 1 + 3*2^-8 -> 1 + 2^-6.
        check(t(DType.BFLOAT16, shape(2), 1, 1 + Math.pow(2, -6)),
                cast(t(DType.FLOAT32, shape(2), 1 + Math.pow(2, -8), 1 + 3 * Math.pow(2, -8)), DType.BFLOAT16), io.jengine.verify.Tolerance.EXACT);
        // float64 beyond float32's range becomes infinity.
        check(t(DType.FLOAT32, shape(2), Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY),
                cast(t(DType.FLOAT64, shape(2), 1e300, -1e300), DType.FLOAT32));
    }

    @Test
    void unsignedSixtyFourBitConversions() {
        // 1e19 fits uint64 (< 1.8e19) but not int64; 2^64 - 1 prints and parses unsigned.
        check(l(DType.UINT64, shape(1), Long.parseUnsignedLong("10000000000000000000")),
                cast(t(DType.FLOAT64, shape(1), 1e19), DType.UINT64));
        check(Tensor.ofStrings(shape(2), "18446744073709551615", "9223372036854775808"),
                cast(l(DType.UINT64, shape(2), -1L, Long.MIN_VALUE), DType.STRING));
        check(l(DType.UINT64, shape(1), -1L), cast(Tensor.ofStrings(shape(1), "18446744073709551615"), DType.UINT64));
        // uint64 above 2^63 widens to float exactly enough: 2^63 + 2^11 -> 9.223372036854777856e18.
        check(t(DType.FLOAT64, shape(1), 9.223372036854777856e18), cast(l(DType.UINT64, shape(1), Long.MIN_VALUE + 2048), DType.FLOAT64),
                io.jengine.verify.Tolerance.EXACT);
    }
}
