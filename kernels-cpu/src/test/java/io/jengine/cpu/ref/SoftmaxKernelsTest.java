package io.jengine.cpu.ref;

import static io.jengine.cpu.ref.RefChecks.*;

import io.jengine.ir.Attribute;
import io.jengine.tensor.DType;
import io.jengine.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** Softmax, LogSoftmax, Hardmax and CumSum/CumProd against direct per-row formulas. */
class SoftmaxKernelsTest {

    /** Softmax of [2,3,4] along axis 1 (the middle axis), computed by hand. */
    private static double[] softmaxAxis1(double[] x, boolean log) {
        double[] r = new double[24];
        for (int i = 0; i < 2; i++) for (int k = 0; k < 4; k++) {
            double max = Double.NEGATIVE_INFINITY, sum = 0;
            for (int j = 0; j < 3; j++) max = Math.max(max, x[(i * 3 + j) * 4 + k]);
            for (int j = 0; j < 3; j++) sum += Math.exp(x[(i * 3 + j) * 4 + k] - max);
            for (int j = 0; j < 3; j++) {
                double v = x[(i * 3 + j) * 4 + k] - max;
                r[(i * 3 + j) * 4 + k] = log ? v - Math.log(sum) : Math.exp(v) / sum;
            }
        }
        return r;
    }

    @Test
    void softmaxAndLogSoftmaxAlongNegativeAxisInFloatTypes() {
        long[] s = {2, 3, 4};
        for (DType dt : new DType[] {DType.FLOAT32, DType.FLOAT64, DType.FLOAT16}) {
            double[] x = ElementwiseKernelsTest.rounded(dt, data(1, 24, -6, 6));
            check(t(dt, s, softmaxAxis1(x, false)), KernelHarness.run(node("Softmax", in("x"), Attribute.of("axis", -2L)), 13, t(dt, s, x))[0]);
            check(t(dt, s, softmaxAxis1(x, true)), KernelHarness.run(node("LogSoftmax", in("x"), Attribute.of("axis", -2L)), 13, t(dt, s, x))[0]);
        }
    }

    @Test
    void opset11SoftmaxFlattensFromTheAxis() {
        // axis=1 on [2,3,4] means each of the 2 rows of 12 is normalised together.
        double[] x = data(2, 24, -3, 3);
        double[] want = new double[24];
        for (int i = 0; i < 2; i++) {
            double max = Double.NEGATIVE_INFINITY, sum = 0;
            for (int j = 0; j < 12; j++) max = Math.max(max, x[i * 12 + j]);
            for (int j = 0; j < 12; j++) sum += Math.exp(x[i * 12 + j] - max);
            for (int j = 0; j < 12; j++) want[i * 12 + j] = Math.exp(x[i * 12 + j] - max) / sum;
        }
        check(t(DType.FLOAT64, shape(2, 3, 4), want), KernelHarness.run(node("Softmax", in("x")), 11, t(DType.FLOAT64, shape(2, 3, 4), x))[0]);
    }

    @Test
    void softmaxOfLargeValuesStaysFiniteAndNaNSpreadsOverItsRow() {
        check(t(DType.FLOAT32, shape(2, 2), 0.5, 0.5, Double.NaN, Double.NaN), KernelHarness.run(node("Softmax", in("x")), 13,
                t(DType.FLOAT32, shape(2, 2), 1e30, 1e30, Double.NaN, 1))[0]);
    }

    @Test
    void hardmaxPicksFirstMaximum() {
        check(t(DType.FLOAT32, shape(2, 3), 0, 1, 0, 1, 0, 0), KernelHarness.run(node("Hardmax", in("x")), 13,
                t(DType.FLOAT32, shape(2, 3), -1, 4, 2, 3, 3, -7))[0]);
    }

    @Test
    void cumSumVariantsAlongAxisInput() {
        double[] x = data(3, 6, -5, 5);
        long[] s = {2, 3};
        double[] inc = new double[6], exRev = new double[6];
        for (int i = 0; i < 2; i++) {
            double acc = 0;
            for (int j = 0; j < 3; j++) { acc += x[i * 3 + j]; inc[i * 3 + j] = acc; }
            acc = 0;
            for (int j = 2; j >= 0; j--) { exRev[i * 3 + j] = acc; acc += x[i * 3 + j]; }
        }
        check(t(DType.FLOAT64, s, inc), KernelHarness.run(node("CumSum", in("x", "axis")), 14, t(DType.FLOAT64, s, x),
                Tensor.ofLongs(new long[0], -1))[0]);
        check(t(DType.FLOAT64, s, exRev), KernelHarness.run(node("CumSum", in("x", "axis"), Attribute.of("exclusive", 1L),
                Attribute.of("reverse", 1L)), 14, t(DType.FLOAT64, s, x), Tensor.ofInts(new long[0], 1))[0]);
        long[] v = ints(4, 6, -20, 20);
        long[] down = new long[6];
        for (int j = 0; j < 3; j++) { down[j] = v[j]; down[3 + j] = v[j] + v[3 + j]; }
        for (DType dt : new DType[] {DType.INT32, DType.INT64}) {
            check(l(dt, s, down), KernelHarness.run(node("CumSum", in("x", "axis")), 14, l(dt, s, v), Tensor.ofLongs(new long[0], 0))[0]);
        }
        check(l(DType.UINT64, shape(3), 2, 6, 24), KernelHarness.run(node("CumProd", in("x", "axis")), 26,
                l(DType.UINT64, shape(3), 2, 3, 4), Tensor.ofLongs(new long[0], 0))[0]);
    }

    @Test
    void axisOutOfRangeIsReported() {
        fails(() -> KernelHarness.run(node("Softmax", in("x"), Attribute.of("axis", 3L)), 13,
                t(DType.FLOAT32, shape(2, 3), 1, 2, 3, 4, 5, 6)), "axis", "3");
    }

    @Test
    void negativeInfinityGetsZeroWeight() {
        check(t(DType.FLOAT32, shape(3), 0, 1 / (1 + Math.exp(-1)), 1 / (1 + Math.exp(1))), KernelHarness.run(node("Softmax", in("x")), 13,
                t(DType.FLOAT32, shape(3), Double.NEGATIVE_INFINITY, 2, 1))[0]);
        check(t(DType.FLOAT64, shape(2), Double.NEGATIVE_INFINITY, 0), KernelHarness.run(node("LogSoftmax", in("x")), 13,
                t(DType.FLOAT64, shape(2), Double.NEGATIVE_INFINITY, 3))[0]);
    }
}
