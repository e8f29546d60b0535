package io.jengine.cpu.ref;

import static io.jengine.cpu.ref.RefChecks.*;

import io.jengine.ir.Attribute;
import io.jengine.tensor.DType;
import io.jengine.tensor.Tensor;
import java.util.function.DoubleBinaryOperator;
import org.junit.jupiter.api.Test;

/** Reduce* over [2,3,4] inputs with axes as attribute (older opsets) or input (newer), keepdims both ways. */
class ReductionKernelsSeededTest {
    private static final long[] S = {2, 3, 4};

    /** Reduces axis 1 of a [2,3,4] array with an accumulator: result [2,4]. */
    private static double[] overAxis1(double[] x, double init, DoubleBinaryOperator f) {
        double[] r = new double[8];
        for (int i = 0; i < 2; i++) for (int k = 0; k < 4; k++) {
            double acc = init;
            for (int j = 0; j < 3; j++) acc = f.applyAsDouble(acc, x[(i * 3 + j) * 4 + k]);
            r[i * 4 + k] = acc;
        }
        return r;
    }

    @Test
    void everyReductionOverAMiddleAxisWithNegativeAxisInput() {
        double[] x = data(1, 24, 0.2, 3); // positive so LogSum/L2 are defined
        double[] sum = overAxis1(x, 0, Double::sum);
        double[] mean = map(sum, v -> v / 3);
        double[] max = overAxis1(x, Double.NEGATIVE_INFINITY, Math::max);
        double[] min = overAxis1(x, Double.POSITIVE_INFINITY, Math::min);
        double[] prod = overAxis1(x, 1, (a, b) -> a * b);
        double[] sq = overAxis1(x, 0, (a, b) -> a + b * b);
        double[] lse = overAxis1(x, 0, (a, b) -> a + Math.exp(b));
        Tensor xt = t(DType.FLOAT64, S, x);
        Tensor axes = Tensor.ofLongs(shape(1), -2);
        String[][] cases = {{"ReduceSum"}, {"ReduceMean"}, {"ReduceMax"}, {"ReduceMin"}, {"ReduceProd"}, {"ReduceL1"},
            {"ReduceL2"}, {"ReduceLogSum"}, {"ReduceLogSumExp"}, {"ReduceSumSquare"}};
        double[][] want = {sum, mean, max, min, prod, sum, map(sq, Math::sqrt), map(sum, Math::log), map(lse, Math::log), sq};
        for (int c = 0; c < cases.length; c++) {
            check(t(DType.FLOAT64, shape(2, 1, 4), want[c]), KernelHarness.run(node(cases[c][0], in("x", "axes")), 18, xt, axes)[0]);
            check(t(DType.FLOAT64, shape(2, 4), want[c]), KernelHarness.run(node(cases[c][0], in("x"),
                    Attribute.of("axes", new long[] {1}), Attribute.of("keepdims", 0L)), 13 - (cases[c][0].equals("ReduceSum") ? 2 : 0), xt)[0]);
        }
    }

    private static double[] map(double[] x, java.util.function.DoubleUnaryOperator f) { return ElementwiseKernelsTest.map(x, f); }

    @Test
    void noAxesReducesEverythingUnlessNoopIsSet() {
        double[] x = data(2, 24, -3, 3);
        double total = 0;
        for (double v : x) total += v;
        check(t(DType.FLOAT32, shape(1, 1, 1), total), KernelHarness.run(node("ReduceSum", in("x")), 13, t(DType.FLOAT32, S, x))[0]);
        check(t(DType.FLOAT32, S, x), KernelHarness.run(node("ReduceSum", in("x", "axes"), Attribute.of("noop_with_empty_axes", 1L)), 13,
                t(DType.FLOAT32, S, x), Tensor.ofLongs(shape(0)))[0]);
    }

    @Test
    void integerReductionsAreExactAndWrap() {
        long[] v = ints(3, 24, -50, 50);
        long[] sum = new long[8], max = new long[8];
        for (int i = 0; i < 2; i++) for (int k = 0; k < 4; k++) {
            long s = 0, m = Long.MIN_VALUE;
            for (int j = 0; j < 3; j++) { s += v[(i * 3 + j) * 4 + k]; m = Math.max(m, v[(i * 3 + j) * 4 + k]); }
            sum[i * 4 + k] = s;
            max[i * 4 + k] = m;
        }
        for (DType dt : new DType[] {DType.INT32, DType.INT64}) {
            check(l(dt, shape(2, 4), sum), KernelHarness.run(node("ReduceSum", in("x", "axes"), Attribute.of("keepdims", 0L)), 13,
                    l(dt, S, v), Tensor.ofLongs(shape(1), 1))[0]);
        }
        check(l(DType.INT8, shape(2, 1, 4), max), KernelHarness.run(node("ReduceMax", in("x"), Attribute.of("axes", new long[] {1})), 13,
                l(DType.INT8, S, v))[0]);
        check(l(DType.UINT8, shape(1), 250), KernelHarness.run(node("ReduceMax", in("x")), 13, l(DType.UINT8, shape(3), 7, 250, 100))[0]);
        // int8 product wraps: 16 * 16 = 256 -> 0, times 3 -> 0; 8*8*3 = 192 -> -64.
        check(l(DType.INT8, shape(1), -64), KernelHarness.run(node("ReduceProd", in("x")), 13, l(DType.INT8, shape(3), 8, 8, 3))[0]);
    }

    @Test
    void nanPropagatesThroughMaxAndSum() {
        Tensor x = t(DType.FLOAT32, shape(2, 2), 1, Double.NaN, 3, 4);
        check(t(DType.FLOAT32, shape(2, 1), Double.NaN, 4), KernelHarness.run(node("ReduceMax", in("x"), Attribute.of("axes", new long[] {-1})), 13, x)[0]);
        check(t(DType.FLOAT32, shape(2, 1), Double.NaN, 7), KernelHarness.run(node("ReduceSum", in("x"), Attribute.of("axes", new long[] {-1})), 11, x)[0]);
    }

    @Test
    void axisOutOfRangeIsReported() {
        fails(() -> KernelHarness.run(node("ReduceSum", in("x", "axes")), 13, t(DType.FLOAT32, S, data(4, 24, 1, 2)),
                Tensor.ofLongs(shape(1), 5)), "axis", "5");
    }

    @Test
    void logSumExpIsStableForLargeValues() {
        // log(e^1000 + e^1000) = 1000 + log 2; a naive sum overflows to infinity.
        check(t(DType.FLOAT64, shape(), 1000 + Math.log(2)), KernelHarness.run(node("ReduceLogSumExp", in("x"),
                Attribute.of("keepdims", 0L)), 13, t(DType.FLOAT64, shape(1, 2), 1000, 1000))[0]);
    }

    @Test
    void halfAndUnsignedSixtyFourBitReductions() {
        double[] x = ElementwiseKernelsTest.rounded(DType.FLOAT16, data(5, 6, -4, 4));
        double[] mean = {(x[0] + x[1] + x[2]) / 3, (x[3] + x[4] + x[5]) / 3};
        check(t(DType.FLOAT16, shape(2), mean), KernelHarness.run(node("ReduceMean", in("x", "axes"), Attribute.of("keepdims", 0L)), 18,
                t(DType.FLOAT16, shape(2, 3), x), Tensor.ofLongs(shape(1), -1))[0]);
        // uint64 max compares unsigned: 2^63 beats 5.
        check(l(DType.UINT64, shape(), Long.MIN_VALUE), KernelHarness.run(node("ReduceMax", in("x"), Attribute.of("keepdims", 0L)), 13,
                l(DType.UINT64, shape(2), 5, Long.MIN_VALUE))[0]);
        check(l(DType.UINT64, shape(), 5), KernelHarness.run(node("ReduceMin", in("x"), Attribute.of("keepdims", 0L)), 13,
                l(DType.UINT64, shape(2), 5, Long.MIN_VALUE))[0]);
        // Both above 2^63: the minimum is the smaller unsigned value, and L1 adds them without negating.
        check(l(DType.UINT64, shape(), Long.MIN_VALUE + 5), KernelHarness.run(node("ReduceMin", in("x"), Attribute.of("keepdims", 0L)), 13,
                l(DType.UINT64, shape(2), Long.MIN_VALUE + 7, Long.MIN_VALUE + 5))[0]);
        check(l(DType.UINT64, shape(), Long.MIN_VALUE + 10), KernelHarness.run(node("ReduceL1", in("x"), Attribute.of("keepdims", 0L)), 13,
                l(DType.UINT64, shape(2), Long.MIN_VALUE + 3, 7))[0]);
    }
}
