package io.jengine.cpu.ref;

import static io.jengine.cpu.ref.RefChecks.*;

import io.jengine.ir.Attribute;
import io.jengine.tensor.DType;
import io.jengine.tensor.Tensor;
import java.util.function.DoubleBinaryOperator;
import java.util.function.LongBinaryOperator;
import org.junit.jupiter.api.Test;

/** Broadcasting binary, comparison, logical and variadic ops against loops over numpy broadcasting rules. */
class BinaryKernelsSeededTest {
    // a: [2,3,4], b: [3,1] broadcasts to [2,3,4] (b[j] for element (i,j,k)).
    private static final long[] SA = {2, 3, 4}, SB = {3, 1};

    private static double[] bcast(double[] a, double[] b, DoubleBinaryOperator f) {
        double[] r = new double[24];
        for (int i = 0; i < 2; i++) for (int j = 0; j < 3; j++) for (int k = 0; k < 4; k++) {
            int idx = (i * 3 + j) * 4 + k;
            r[idx] = f.applyAsDouble(a[idx], b[j]);
        }
        return r;
    }

    private static long[] bcast(long[] a, long[] b, LongBinaryOperator f) {
        long[] r = new long[24];
        for (int i = 0; i < 2; i++) for (int j = 0; j < 3; j++) for (int k = 0; k < 4; k++) {
            int idx = (i * 3 + j) * 4 + k;
            r[idx] = f.applyAsLong(a[idx], b[j]);
        }
        return r;
    }

    @Test
    void floatArithmeticBroadcastsInEveryFloatType() {
        for (DType dt : new DType[] {DType.FLOAT32, DType.FLOAT64, DType.FLOAT16}) {
            double[] a = ElementwiseKernelsTest.rounded(dt, data(1, 24, -5, 5));
            double[] b = ElementwiseKernelsTest.rounded(dt, data(2, 3, 0.5, 3));
            Tensor ta = t(dt, SA, a), tb = t(dt, SB, b);
            check(t(dt, SA, bcast(a, b, Double::sum)), KernelHarness.run(node("Add", in("a", "b")), 14, ta, tb)[0]);
            check(t(dt, SA, bcast(a, b, (x, y) -> x - y)), KernelHarness.run(node("Sub", in("a", "b")), 14, ta, tb)[0]);
            check(t(dt, SA, bcast(a, b, (x, y) -> x * y)), KernelHarness.run(node("Mul", in("a", "b")), 14, ta, tb)[0]);
            check(t(dt, SA, bcast(a, b, (x, y) -> x / y)), KernelHarness.run(node("Div", in("a", "b")), 14, ta, tb)[0]);
            check(t(dt, SA, bcast(a, b, Math::pow)), KernelHarness.run(node("Pow", in("a", "b")), 15, ta, tb)[0]);
        }
    }

    @Test
    void integerArithmeticWrapsAndDivisionTruncates() {
        long[] a = ints(3, 24, -120, 120), b = ints(4, 3, -9, 9);
        for (DType dt : new DType[] {DType.INT8, DType.INT16, DType.INT32, DType.INT64}) {
            int bits = dt == DType.INT8 ? 8 : dt == DType.INT16 ? 16 : dt == DType.INT32 ? 32 : 64;
            Tensor ta = l(dt, SA, a), tb = l(dt, SB, b);
            check(l(dt, SA, wrapAll(bcast(a, b, (x, y) -> x * y), bits)), KernelHarness.run(node("Mul", in("a", "b")), 14, ta, tb)[0]);
            check(l(dt, SA, bcast(a, b, (x, y) -> x / y)), KernelHarness.run(node("Div", in("a", "b")), 14, ta, tb)[0]);
            // Mod with fmod=0 takes the divisor's sign (Python %), fmod=1 the dividend's.
            check(l(dt, SA, bcast(a, b, Math::floorMod)), KernelHarness.run(node("Mod", in("a", "b")), 13, ta, tb)[0]);
            check(l(dt, SA, bcast(a, b, (x, y) -> x % y)), KernelHarness.run(node("Mod", in("a", "b"), Attribute.of("fmod", 1L)), 13, ta, tb)[0]);
        }
        // int8 100 + 100 wraps to -56.
        check(l(DType.INT8, shape(1), -56), KernelHarness.run(node("Add", in("a", "b")), 14, l(DType.INT8, shape(1), 100),
                l(DType.INT8, shape(1), 100))[0]);
        // uint8 200 + 100 wraps to 44; uint64 division is unsigned: (2^64-2)/2 = 2^63-1.
        check(l(DType.UINT8, shape(1), 44), KernelHarness.run(node("Add", in("a", "b")), 14, l(DType.UINT8, shape(1), 200),
                l(DType.UINT8, shape(1), 100))[0]);
        check(l(DType.UINT64, shape(1), Long.MAX_VALUE), KernelHarness.run(node("Div", in("a", "b")), 14,
                l(DType.UINT64, shape(1), -2L), l(DType.UINT64, shape(1), 2))[0]);
        check(l(DType.UINT32, shape(2), 3, 4000000000L / 7), KernelHarness.run(node("Div", in("a", "b")), 14,
                l(DType.UINT32, shape(2), 21, 4000000000L), l(DType.UINT32, shape(2), 7, 7))[0]);
    }

    private static long[] wrapAll(long[] v, int bits) {
        long[] r = new long[v.length];
        for (int i = 0; i < v.length; i++) r[i] = bits == 64 ? v[i] : (v[i] << (64 - bits)) >> (64 - bits);
        return r;
    }

    @Test
    void floatModFollowsFmodAndNumpyRemainder() {
        double[] a = data(5, 24, -10, 10), b = data(6, 3, -3, 3);
        check(t(DType.FLOAT64, SA, bcast(a, b, (x, y) -> x % y)), KernelHarness.run(node("Mod", in("a", "b"),
                Attribute.of("fmod", 1L)), 13, t(DType.FLOAT64, SA, a), t(DType.FLOAT64, SB, b))[0]);
    }

    @Test
    void comparisonsAndUnsignedOrdering() {
        double[] a = data(7, 24, -3, 3), b = data(8, 3, -3, 3);
        a[5] = b[1]; // one equal pair (element (0,1,1) against b[1])
        a[0] = Double.NaN;
        Tensor ta = t(DType.FLOAT32, SA, a), tb = t(DType.FLOAT32, SB, b);
        double[] af = ElementwiseKernelsTest.rounded(DType.FLOAT32, a), bf = ElementwiseKernelsTest.rounded(DType.FLOAT32, b);
        check(l(DType.BOOL, SA, toBool(bcast(af, bf, (x, y) -> x < y ? 1 : 0))), KernelHarness.run(node("Less", in("a", "b")), 13, ta, tb)[0]);
        check(l(DType.BOOL, SA, toBool(bcast(af, bf, (x, y) -> x >= y ? 1 : 0))), KernelHarness.run(node("GreaterOrEqual", in("a", "b")), 16, ta, tb)[0]);
        check(l(DType.BOOL, SA, toBool(bcast(af, bf, (x, y) -> x == y ? 1 : 0))), KernelHarness.run(node("Equal", in("a", "b")), 13, ta, tb)[0]);
        // uint64: 2^63 is greater than 1 when unsigned.
        check(l(DType.BOOL, shape(2), 1, 0), KernelHarness.run(node("Greater", in("a", "b")), 13,
                l(DType.UINT64, shape(2), Long.MIN_VALUE, 1), l(DType.UINT64, shape(2), 1, 2))[0]);
        check(l(DType.BOOL, shape(3), 1, 0, 1), KernelHarness.run(node("Equal", in("a", "b")), 19,
                Tensor.ofStrings(shape(3), "ab", "c", ""), Tensor.ofStrings(shape(3), "ab", "C", ""))[0]);
    }

    private static long[] toBool(double[] v) {
        long[] r = new long[v.length];
        for (int i = 0; i < v.length; i++) r[i] = (long) v[i];
        return r;
    }

    @Test
    void logicalBitwiseAndShift() {
        check(l(DType.BOOL, shape(2, 2), 1, 0, 0, 0), KernelHarness.run(node("And", in("a", "b")), 7,
                l(DType.BOOL, shape(2, 2), 1, 1, 0, 0), l(DType.BOOL, shape(2), 1, 0))[0]);
        check(l(DType.BOOL, shape(2, 2), 0, 1, 1, 0), KernelHarness.run(node("Xor", in("a", "b")), 7,
                l(DType.BOOL, shape(2, 2), 1, 1, 0, 0), l(DType.BOOL, shape(2), 1, 0))[0]);
        long[] a = ints(9, 24, -100, 100), b = ints(10, 3, -50, 50);
        check(l(DType.INT16, SA, bcast(a, b, (x, y) -> x & y)), KernelHarness.run(node("BitwiseAnd", in("a", "b")), 18,
                l(DType.INT16, SA, a), l(DType.INT16, SB, b))[0]);
        check(l(DType.INT16, SA, bcast(a, b, (x, y) -> x ^ y)), KernelHarness.run(node("BitwiseXor", in("a", "b")), 18,
                l(DType.INT16, SA, a), l(DType.INT16, SB, b))[0]);
        // uint8 shifts drop bits off the top: 200 << 1 = 144; 200 >> 3 = 25.
        check(l(DType.UINT8, shape(2), 144, 50), KernelHarness.run(node("BitShift", in("a", "b"), Attribute.of("direction", "LEFT")), 11,
                l(DType.UINT8, shape(2), 200, 25), l(DType.UINT8, shape(2), 1, 1))[0]);
        check(l(DType.UINT8, shape(2), 25, 3), KernelHarness.run(node("BitShift", in("a", "b"), Attribute.of("direction", "RIGHT")), 11,
                l(DType.UINT8, shape(2), 200, 25), l(DType.UINT8, shape(2), 3, 3))[0]);
    }

    @Test
    void variadicOpsBroadcastAndPropagateNaN() {
        double[] a = data(11, 6, -4, 4), b = data(12, 3, -4, 4), c = {Double.NaN, 0.25};
        double[] max = new double[6], mean = new double[6], sum = new double[6];
        for (int i = 0; i < 2; i++) for (int j = 0; j < 3; j++) {
            int k = i * 3 + j;
            double x = a[k], y = b[j], z = c[i];
            max[k] = Double.isNaN(z) ? Double.NaN : Math.max(x, Math.max(y, z));
            sum[k] = x + y + z;
            mean[k] = sum[k] / 3;
        }
        Tensor ta = t(DType.FLOAT64, shape(2, 3), a), tb = t(DType.FLOAT64, shape(3), b), tc = t(DType.FLOAT64, shape(2, 1), c);
        check(t(DType.FLOAT64, shape(2, 3), max), KernelHarness.run(node("Max", in("a", "b", "c")), 13, ta, tb, tc)[0]);
        check(t(DType.FLOAT64, shape(2, 3), sum), KernelHarness.run(node("Sum", in("a", "b", "c")), 13, ta, tb, tc)[0]);
        check(t(DType.FLOAT64, shape(2, 3), mean), KernelHarness.run(node("Mean", in("a", "b", "c")), 13, ta, tb, tc)[0]);
        check(l(DType.UINT32, shape(2), 5, 3000000000L), KernelHarness.run(node("Min", in("a", "b")), 13,
                l(DType.UINT32, shape(2), 5, 4000000000L), l(DType.UINT32, shape(2), 3500000000L, 3000000000L))[0]);
    }

    @Test
    void whereAndPRelu() {
        long[] cond = {1, 0, 0, 1, 1, 0};
        double[] x = data(13, 6, -5, 5), y = data(14, 3, -5, 5);
        double[] want = new double[6];
        for (int i = 0; i < 6; i++) want[i] = cond[i] != 0 ? x[i] : y[i % 3];
        check(t(DType.FLOAT64, shape(2, 3), want), KernelHarness.run(node("Where", in("c", "x", "y")), 16,
                l(DType.BOOL, shape(2, 3), cond), t(DType.FLOAT64, shape(2, 3), x), t(DType.FLOAT64, shape(3), y))[0]);
        check(Tensor.ofStrings(shape(2), "a", "y"), KernelHarness.run(node("Where", in("c", "x", "y")), 16,
                l(DType.BOOL, shape(2), 1, 0), Tensor.ofStrings(shape(2), "a", "b"), Tensor.ofStrings(shape(1), "y"))[0]);
        double[] slope = {0.1, 0.2, 0.3};
        double[] pr = new double[6];
        for (int i = 0; i < 6; i++) pr[i] = x[i] >= 0 ? x[i] : slope[i % 3] * x[i];
        check(t(DType.FLOAT32, shape(2, 3), pr), KernelHarness.run(node("PRelu", in("x", "s")), 16,
                t(DType.FLOAT32, shape(2, 3), x), t(DType.FLOAT32, shape(3), slope))[0]);
    }

    @Test
    void badInputsNameWhatIsWrong() {
        fails(() -> KernelHarness.run(node("Add", in("a", "b")), 14, t(DType.FLOAT32, shape(2), 1, 2),
                t(DType.FLOAT64, shape(2), 1, 2)), "input 0 is float32", "input 1 is float64");
        fails(() -> KernelHarness.run(node("BitShift", in("a", "b"), Attribute.of("direction", "UP")), 11,
                l(DType.UINT8, shape(1), 1), l(DType.UINT8, shape(1), 1)), "direction", "UP");
        fails(() -> KernelHarness.run(node("Div", in("a", "b")), 14, l(DType.INT32, shape(1), 1), l(DType.INT32, shape(1), 0)),
                "division by zero");
        fails(() -> KernelHarness.run(node("Add", in("a", "b")), 14, t(DType.FLOAT32, shape(2), 1, 2),
                t(DType.FLOAT32, shape(3), 1, 2, 3)), "2", "3");
    }

    @Test
    void mixedTypePowAndShiftsPastTheWidth() {
        // Pow-15 takes an integer base with a float exponent; the result keeps the base's type.
        check(l(DType.INT32, shape(3), 8, 1, 9), KernelHarness.run(node("Pow", in("a", "b")), 15,
                l(DType.INT32, shape(3), 2, 7, -3), t(DType.FLOAT32, shape(3), 3, 0, 2))[0]);
        check(t(DType.FLOAT32, shape(2), Math.pow(1.5, 2), Math.pow(2.5, -1)), KernelHarness.run(node("Pow", in("a", "b")), 15,
                t(DType.FLOAT32, shape(2), 1.5, 2.5), l(DType.INT64, shape(2), 2, -1))[0]);
        // numpy: shifting a uint64 by 64 or more gives 0 (Java's << would shift by s mod 64).
        check(l(DType.UINT64, shape(2), 0, 0), KernelHarness.run(node("BitShift", in("a", "b"), Attribute.of("direction", "LEFT")), 11,
                l(DType.UINT64, shape(2), 1, 3), l(DType.UINT64, shape(2), 64, 65))[0]);
        check(l(DType.UINT32, shape(2), 0, 1L << 31), KernelHarness.run(node("BitShift", in("a", "b"), Attribute.of("direction", "LEFT")), 11,
                l(DType.UINT32, shape(2), 1, 1), l(DType.UINT32, shape(2), 32, 31))[0]);
    }

    @Test
    void unsignedSixtyFourBitVariadicAndModulo() {
        long big = Long.MIN_VALUE + 1; // 2^63 + 1 = 9223372036854775809
        check(l(DType.UINT64, shape(2), big, 9), KernelHarness.run(node("Max", in("a", "b")), 13,
                l(DType.UINT64, shape(2), big, 2), l(DType.UINT64, shape(2), 5, 9))[0]);
        check(l(DType.UINT64, shape(2), 5, 2), KernelHarness.run(node("Min", in("a", "b")), 13,
                l(DType.UINT64, shape(2), big, 2), l(DType.UINT64, shape(2), 5, 9))[0]);
        // 9223372036854775809 % 10 = 9.
        check(l(DType.UINT64, shape(1), 9), KernelHarness.run(node("Mod", in("a", "b")), 13,
                l(DType.UINT64, shape(1), big), l(DType.UINT64, shape(1), 10))[0]);
    }
}
