package io.jengine.cpu.ref;

import static io.jengine.cpu.ref.RefChecks.*;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.jengine.ir.Attribute;
import io.jengine.tensor.Value;
import io.jengine.tensor.DType;
import io.jengine.tensor.Tensor;
import java.util.function.DoubleUnaryOperator;
import org.junit.jupiter.api.Test;

/** Unary elementwise ops (ElementwiseKernels, UnaryMath) and Clip against direct formulas. */
class ElementwiseKernelsTest {
    private static final long[] S = {2, 3, 4};

    private static void unaryMatches(String op, int opset, DType dt, double[] x, DoubleUnaryOperator f) {
        double[] want = new double[x.length];
        for (int i = 0; i < x.length; i++) want[i] = f.applyAsDouble(x[i]);
        Value[] out = KernelHarness.run(node(op, in("x")), opset, t(dt, S, x));
        check(t(dt, S, want), out[0]);
    }

    @Test
    void transcendentalOpsInEveryFloatType() {
        double[] x = data(1, 24, -3, 3);
        double[] pos = data(2, 24, 0.1, 5);
        double[] unit = data(3, 24, -0.95, 0.95);
        for (DType dt : new DType[] {DType.FLOAT32, DType.FLOAT64, DType.FLOAT16}) {
            // Round the input through the dtype first so the formula sees the value the kernel sees.
            double[] xr = rounded(dt, x), pr = rounded(dt, pos), ur = rounded(dt, unit);
            unaryMatches("Exp", 13, dt, xr, Math::exp);
            unaryMatches("Log", 13, dt, pr, Math::log);
            unaryMatches("Sqrt", 13, dt, pr, Math::sqrt);
            unaryMatches("Tanh", 13, dt, xr, Math::tanh);
            unaryMatches("Sigmoid", 13, dt, xr, v -> 1 / (1 + Math.exp(-v)));
            unaryMatches("Softplus", 1, dt, xr, v -> Math.log(1 + Math.exp(v)));
            unaryMatches("Asinh", 9, dt, xr, v -> Math.log(v + Math.sqrt(v * v + 1)));
            unaryMatches("Acosh", 9, dt, rounded(dt, data(4, 24, 1.1, 6)), v -> Math.log(v + Math.sqrt(v * v - 1)));
            unaryMatches("Atanh", 9, dt, ur, v -> 0.5 * Math.log((1 + v) / (1 - v)));
            unaryMatches("Reciprocal", 13, dt, xr, v -> 1 / v);
            unaryMatches("Softsign", 1, dt, xr, v -> v / (1 + Math.abs(v)));
            unaryMatches("HardSwish", 14, dt, xr, v -> v * Math.max(0, Math.min(1, v / 6 + 0.5)));
        }
    }

    @Test
    void erfMatchesSeriesExpansion() {
        double[] x = data(5, 24, -2.5, 2.5);
        unaryMatches("Erf", 13, DType.FLOAT64, x, ElementwiseKernelsTest::erfSeries);
    }

    /** erf by its Maclaurin series, summed to convergence: independent of the kernel's approximation. */
    private static double erfSeries(double z) {
        double sum = 0, term = z;
        for (int n = 0; n < 200; n++) {
            sum += term / (2 * n + 1);
            term *= -z * z / (n + 1);
        }
        return 2 / Math.sqrt(Math.PI) * sum;
    }

    @Test
    void roundIsHalfToEvenAndAbsNegWorkOnIntegers() {
        double[] x = {0.5, 1.5, 2.5, -0.5, -1.5, -2.5, 2.4, -2.6, 3.5, 7.1, -7.9, 1e9 + 0.5};
        double[] want = {0, 2, 2, -0, -2, -2, 2, -3, 4, 7, -8, 1e9};
        check(t(DType.FLOAT64, shape(12), want), KernelHarness.run(node("Round", in("x")), 11, t(DType.FLOAT64, shape(12), x))[0]);
        long[] v = ints(6, 12, -100, 100);
        for (DType dt : new DType[] {DType.INT8, DType.INT16, DType.INT32, DType.INT64}) {
            long[] abs = new long[12], neg = new long[12], sign = new long[12];
            for (int i = 0; i < 12; i++) { abs[i] = Math.abs(v[i]); neg[i] = -v[i]; sign[i] = Long.signum(v[i]); }
            check(l(dt, shape(3, 4), abs), KernelHarness.run(node("Abs", in("x")), 13, l(dt, shape(3, 4), v))[0]);
            check(l(dt, shape(3, 4), neg), KernelHarness.run(node("Neg", in("x")), 13, l(dt, shape(3, 4), v))[0]);
            check(l(dt, shape(3, 4), sign), KernelHarness.run(node("Sign", in("x")), 13, l(dt, shape(3, 4), v))[0]);
        }
        // int8 wraps like C: -(-128) is -128.
        check(l(DType.INT8, shape(2), -128, 127), KernelHarness.run(node("Neg", in("x")), 13, l(DType.INT8, shape(2), -128, -127))[0]);
        // Abs on unsigned is identity, on uint8 200 stays 200.
        check(l(DType.UINT8, shape(2), 200, 7), KernelHarness.run(node("Abs", in("x")), 13, l(DType.UINT8, shape(2), 200, 7))[0]);
    }

    @Test
    void activationsWithAttributes() {
        double[] x = data(7, 24, -4, 4);
        double a = 0.3f; // attributes are float32
        check(t(DType.FLOAT32, S, map(x, v -> v >= 0 ? v : a * v)), KernelHarness.run(node("LeakyRelu", in("x"),
                Attribute.of("alpha", 0.3f)), 16, t(DType.FLOAT32, S, x))[0]);
        check(t(DType.FLOAT32, S, map(x, v -> v >= 0 ? v : a * (Math.exp(v) - 1))), KernelHarness.run(node("Elu", in("x"),
                Attribute.of("alpha", 0.3f)), 6, t(DType.FLOAT32, S, x))[0]);
        double hs = 0.25f, hb = 0.4f;
        check(t(DType.FLOAT64, S, map(x, v -> Math.max(0, Math.min(1, hs * v + hb)))), KernelHarness.run(node("HardSigmoid",
                in("x"), Attribute.of("alpha", 0.25f), Attribute.of("beta", 0.4f)), 6, t(DType.FLOAT64, S, x))[0]);
        // Gelu tanh approximation and exact form.
        check(t(DType.FLOAT64, S, map(x, v -> 0.5 * v * (1 + erfSeries(v / Math.sqrt(2))))),
                KernelHarness.run(node("Gelu", in("x")), 20, t(DType.FLOAT64, S, x))[0]);
        check(t(DType.FLOAT64, S, map(x, v -> 0.5 * v * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (v + 0.044715 * v * v * v))))),
                KernelHarness.run(node("Gelu", in("x"), Attribute.of("approximate", "tanh")), 20, t(DType.FLOAT64, S, x))[0]);
        double lambd = 1.5f, bias = 0.5f;
        check(t(DType.FLOAT64, S, map(x, v -> v < -lambd ? v + bias : v > lambd ? v - bias : 0)), KernelHarness.run(node("Shrink",
                in("x"), Attribute.of("lambd", 1.5f), Attribute.of("bias", 0.5f)), 9, t(DType.FLOAT64, S, x))[0]);
    }

    @Test
    void nanAndInfinityPropagateInPlace() {
        double nan = Double.NaN, inf = Double.POSITIVE_INFINITY;
        double[] x = {nan, inf, -inf, -2.5, 3.0, nan};
        Tensor xt = t(DType.FLOAT32, shape(2, 3), x);
        check(t(DType.FLOAT32, shape(2, 3), nan, inf, 0, 0, 3, nan), KernelHarness.run(node("Relu", in("x")), 14, xt)[0]);
        check(t(DType.FLOAT32, shape(2, 3), nan, 1, -1, Math.tanh(-2.5), Math.tanh(3), nan), KernelHarness.run(node("Tanh", in("x")), 13, xt)[0]);
        check(t(DType.FLOAT32, shape(2, 3), nan, inf, inf, 2.5, 3, nan), KernelHarness.run(node("Abs", in("x")), 13, xt)[0]);
        check(l(DType.BOOL, shape(2, 3), 1, 0, 0, 0, 0, 1), KernelHarness.run(node("IsNaN", in("x")), 13, xt)[0]);
        check(l(DType.BOOL, shape(2, 3), 0, 1, 1, 0, 0, 0), KernelHarness.run(node("IsInf", in("x")), 10, xt)[0]);
        check(l(DType.BOOL, shape(2, 3), 0, 0, 1, 0, 0, 0), KernelHarness.run(node("IsInf", in("x"),
                Attribute.of("detect_positive", 0L)), 10, xt)[0]);
    }

    @Test
    void notAndBitwiseNot() {
        check(l(DType.BOOL, shape(4), 0, 1, 1, 0), KernelHarness.run(node("Not", in("x")), 1, l(DType.BOOL, shape(4), 1, 0, 0, 1))[0]);
        long[] v = ints(8, 6, -120, 120);
        long[] want = map(v, x -> ~x);
        check(l(DType.INT32, shape(6), want), KernelHarness.run(node("BitwiseNot", in("x")), 18, l(DType.INT32, shape(6), v))[0]);
        // uint8: ~5 = 250.
        check(l(DType.UINT8, shape(2), 250, 0), KernelHarness.run(node("BitwiseNot", in("x")), 18, l(DType.UINT8, shape(2), 5, 255))[0]);
    }

    @Test
    void clipInEveryNumericTypeWithOptionalBounds() {
        double[] x = data(9, 24, -10, 10);
        for (DType dt : new DType[] {DType.FLOAT32, DType.FLOAT64, DType.FLOAT16}) {
            double[] xr = rounded(dt, x);
            check(t(dt, S, map(xr, v -> Math.min(Math.max(v, -2.5), 4))), KernelHarness.run(node("Clip", in("x", "min", "max")), 13,
                    t(dt, S, xr), Tensor.fromDoubles(dt, new long[0], new double[] {-2.5}), Tensor.fromDoubles(dt, new long[0], new double[] {4}))[0]);
            // Only max given (min omitted).
            check(t(dt, S, map(xr, v -> Math.min(v, 1))), KernelHarness.run(node("Clip", in("x", "", "max")), 13,
                    t(dt, S, xr), null, Tensor.fromDoubles(dt, new long[0], new double[] {1}))[0]);
        }
        long[] v = ints(10, 12, -100, 100);
        for (DType dt : new DType[] {DType.INT8, DType.INT32, DType.INT64}) {
            check(l(dt, shape(12), map(v, q -> Math.min(Math.max(q, -7), 9))), KernelHarness.run(node("Clip", in("x", "min", "max")), 13,
                    l(dt, shape(12), v), l(dt, new long[0], -7), l(dt, new long[0], 9))[0]);
        }
        check(l(DType.UINT8, shape(3), 10, 200, 200), KernelHarness.run(node("Clip", in("x", "min", "max")), 13,
                l(DType.UINT8, shape(3), 3, 250, 200), l(DType.UINT8, new long[0], 10), l(DType.UINT8, new long[0], 200))[0]);
        // Opset 6: bounds as attributes.
        check(t(DType.FLOAT32, S, map(x, q -> Math.min(Math.max(q, -1), 2))), KernelHarness.run(node("Clip", in("x"),
                Attribute.of("min", -1f), Attribute.of("max", 2f)), 6, t(DType.FLOAT32, S, x))[0]);
        // NaN passes through.
        check(t(DType.FLOAT32, shape(2), Double.NaN, 1), KernelHarness.run(node("Clip", in("x", "min", "max")), 13,
                t(DType.FLOAT32, shape(2), Double.NaN, 5), t(DType.FLOAT32, new long[0], 0), t(DType.FLOAT32, new long[0], 1))[0]);
    }

    @Test
    void floatOnlyOpRejectsIntegersNamingTheInput() {
        fails(() -> KernelHarness.run(node("Exp", in("x")), 13, l(DType.INT32, shape(2), 1, 2)), "input 0", "int32");
    }

    @Test
    void outputShapeAndTypeFollowInput() {
        Value[] out = KernelHarness.run(node("Sin", in("x")), 7, t(DType.FLOAT16, S, data(11, 24, -1, 1)));
        assertEquals(DType.FLOAT16, ((Tensor) out[0]).dtype());
        assertEquals(3, ((Tensor) out[0]).shape().length);
    }

    @Test
    void unsignedSixtyFourBitValuesAboveTwoToTheSixtyThreeStayPositive() {
        // 2^63 + 3 is stored as a negative long; as uint64 it is positive: Abs and Relu keep it, Sign is 1.
        Tensor big = l(DType.UINT64, shape(3), Long.MIN_VALUE + 3, 0, 7);
        check(big, KernelHarness.run(node("Abs", in("x")), 13, big)[0]);
        check(big, KernelHarness.run(node("Relu", in("x")), 14, big)[0]);
        check(l(DType.UINT64, shape(3), 1, 0, 1), KernelHarness.run(node("Sign", in("x")), 13, big)[0]);
        // Clip compares uint64 unsigned, and an omitted bound does not clip.
        check(l(DType.UINT64, shape(3), 10, 0, 7), KernelHarness.run(node("Clip", in("x", "min", "max")), 13,
                big, null, l(DType.UINT64, shape(), 10))[0]);
        check(l(DType.UINT64, shape(3), Long.MIN_VALUE + 3, 5, 7), KernelHarness.run(node("Clip", in("x", "min")), 13,
                big, l(DType.UINT64, shape(), 5))[0]);
    }

    @Test
    void clipWithMinAboveMaxGivesMax() {
        // As numpy.clip: min(max(x, lo), hi) with lo > hi is hi everywhere.
        double[] x = data(12, 4, -5, 5);
        check(t(DType.FLOAT32, shape(4), 1, 1, 1, 1), KernelHarness.run(node("Clip", in("x", "min", "max")), 13,
                t(DType.FLOAT32, shape(4), x), t(DType.FLOAT32, shape(), 3), t(DType.FLOAT32, shape(), 1))[0]);
    }

    static double[] rounded(DType dt, double[] x) {
        Tensor t = Tensor.fromDoubles(dt, new long[] {x.length}, x);
        double[] r = new double[x.length];
        for (int i = 0; i < x.length; i++) r[i] = t.getDouble(i);
        return r;
    }

    static double[] map(double[] x, DoubleUnaryOperator f) {
        double[] r = new double[x.length];
        for (int i = 0; i < x.length; i++) r[i] = f.applyAsDouble(x[i]);
        return r;
    }

    static long[] map(long[] x, java.util.function.LongUnaryOperator f) {
        long[] r = new long[x.length];
        for (int i = 0; i < x.length; i++) r[i] = f.applyAsLong(x[i]);
        return r;
    }
}
