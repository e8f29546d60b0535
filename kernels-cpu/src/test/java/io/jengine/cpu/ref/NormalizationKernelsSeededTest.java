package io.jengine.cpu.ref;

import static io.jengine.cpu.ref.RefChecks.*;

import io.jengine.ir.Attribute;
import io.jengine.tensor.DType;
import org.junit.jupiter.api.Test;

/** Layer/RMS/Instance/Group/Batch normalisation and LpNormalization against mean/variance computed per slice. */
class NormalizationKernelsSeededTest {
    private static final double EPS = 1e-5f;

    /** Normalises each contiguous run of {@code len} values (population variance), then applies per-position scale/bias. */
    private static double[] norm(double[] x, int len, double[] scale, double[] bias, boolean rms, int scaleStride) {
        double[] r = new double[x.length];
        for (int s = 0; s < x.length / len; s++) {
            double mean = 0, var = 0;
            for (int i = 0; i < len; i++) mean += x[s * len + i];
            mean = rms ? 0 : mean / len;
            for (int i = 0; i < len; i++) var += (x[s * len + i] - mean) * (x[s * len + i] - mean);
            var /= len;
            for (int i = 0; i < len; i++) {
                int p = scaleStride == 0 ? i : s % scaleStride;
                r[s * len + i] = (x[s * len + i] - mean) / Math.sqrt(var + EPS) * scale[p] + (bias == null ? 0 : bias[p]);
            }
        }
        return r;
    }

    @Test
    void layerNormOverTheLastAxesInFloatTypes() {
        for (DType dt : new DType[] {DType.FLOAT32, DType.FLOAT64, DType.FLOAT16}) {
            double[] x = ElementwiseKernelsTest.rounded(dt, data(1, 24, -3, 3));
            double[] g = ElementwiseKernelsTest.rounded(dt, data(2, 12, 0.5, 2)), b = ElementwiseKernelsTest.rounded(dt, data(3, 12, -1, 1));
            check(t(dt, shape(2, 3, 4), norm(x, 12, g, b, false, 0)), KernelHarness.run(node("LayerNormalization", in("x", "g", "b"),
                    Attribute.of("axis", -2L)), 17, t(dt, shape(2, 3, 4), x), t(dt, shape(3, 4), g), t(dt, shape(3, 4), b))[0],
                    dt == DType.FLOAT16 ? new io.jengine.verify.Tolerance(5e-3, 5e-3) : null);
        }
    }

    @Test
    void rmsNormHasNoCentring() {
        double[] x = data(4, 24, -3, 3), g = data(5, 4, 0.5, 2);
        check(t(DType.FLOAT64, shape(2, 3, 4), norm(x, 4, g, null, true, 0)), KernelHarness.run(node("RMSNormalization", in("x", "g")), 23,
                t(DType.FLOAT64, shape(2, 3, 4), x), t(DType.FLOAT64, shape(4), g))[0]);
    }

    @Test
    void instanceNormPerChannelScale() {
        double[] x = data(6, 2 * 3 * 5, -3, 3), g = data(7, 3, 0.5, 2), b = data(8, 3, -1, 1);
        check(t(DType.FLOAT32, shape(2, 3, 5), norm(x, 5, g, b, false, 3)), KernelHarness.run(node("InstanceNormalization", in("x", "g", "b")), 6,
                t(DType.FLOAT32, shape(2, 3, 5), x), t(DType.FLOAT32, shape(3), g), t(DType.FLOAT32, shape(3), b))[0]);
    }

    @Test
    void groupNormStatisticsPerGroupScalePerChannel() {
        // [1,4,3] with 2 groups: each group is 2 channels x 3 = 6 contiguous values; scale per channel (opset 21).
        double[] x = data(9, 12, -3, 3), g = data(10, 4, 0.5, 2), b = data(11, 4, -1, 1);
        double[] ones = {1, 1, 1, 1, 1, 1};
        double[] n = norm(x, 6, ones, null, false, 0);
        double[] want = new double[12];
        for (int i = 0; i < 12; i++) want[i] = n[i] * g[i / 3] + b[i / 3];
        check(t(DType.FLOAT64, shape(1, 4, 3), want), KernelHarness.run(node("GroupNormalization", in("x", "g", "b"),
                Attribute.of("num_groups", 2L)), 21, t(DType.FLOAT64, shape(1, 4, 3), x), t(DType.FLOAT64, shape(4), g), t(DType.FLOAT64, shape(4), b))[0]);
    }

    @Test
    void batchNormInferenceUsesRunningStatistics() {
        double[] x = data(12, 2 * 3 * 2, -3, 3), g = data(13, 3, 0.5, 2), b = data(14, 3, -1, 1);
        double[] mean = data(15, 3, -1, 1), var = data(16, 3, 0.5, 2);
        double[] want = new double[12];
        for (int i = 0; i < 12; i++) {
            int c = (i / 2) % 3;
            want[i] = (x[i] - mean[c]) / Math.sqrt(var[c] + EPS) * g[c] + b[c];
        }
        check(t(DType.FLOAT32, shape(2, 3, 2), want), KernelHarness.run(node("BatchNormalization", in("x", "g", "b", "m", "v")), 15,
                t(DType.FLOAT32, shape(2, 3, 2), x), t(DType.FLOAT32, shape(3), g), t(DType.FLOAT32, shape(3), b),
                t(DType.FLOAT32, shape(3), mean), t(DType.FLOAT32, shape(3), var))[0]);
    }

    @Test
    void lpNormalizationL1AndL2AlongAxis() {
        double[] x = data(17, 6, -3, 3);
        double[] l2 = new double[6], l1 = new double[6];
        for (int r = 0; r < 2; r++) {
            double s2 = 0, s1 = 0;
            for (int j = 0; j < 3; j++) { s2 += x[r * 3 + j] * x[r * 3 + j]; s1 += Math.abs(x[r * 3 + j]); }
            for (int j = 0; j < 3; j++) { l2[r * 3 + j] = x[r * 3 + j] / Math.sqrt(s2); l1[r * 3 + j] = x[r * 3 + j] / s1; }
        }
        check(t(DType.FLOAT64, shape(2, 3), l2), KernelHarness.run(node("LpNormalization", in("x")), 1, t(DType.FLOAT64, shape(2, 3), x))[0]);
        check(t(DType.FLOAT64, shape(2, 3), l1), KernelHarness.run(node("LpNormalization", in("x"), Attribute.of("p", 1L),
                Attribute.of("axis", 1L)), 1, t(DType.FLOAT64, shape(2, 3), x))[0]);
    }

    @Test
    void layerNormAxisOutOfRangeIsReported() {
        fails(() -> KernelHarness.run(node("LayerNormalization", in("x", "g"), Attribute.of("axis", 2L)), 17, t(DType.FLOAT32, shape(2, 3), data(1, 6, 1, 2)),
                t(DType.FLOAT32, shape(3), 1, 1, 1)), "axis", "2");
    }

    @Test
    void layerNormAlsoReturnsMeanAndInverseStdDev() {
        double[] x = data(18, 6, -3, 3);
        double[] mean = new double[2], inv = new double[2];
        for (int r = 0; r < 2; r++) {
            double m = (x[r * 3] + x[r * 3 + 1] + x[r * 3 + 2]) / 3, v = 0;
            for (int j = 0; j < 3; j++) v += (x[r * 3 + j] - m) * (x[r * 3 + j] - m);
            mean[r] = m;
            inv[r] = 1 / Math.sqrt(v / 3 + EPS);
        }
        io.jengine.tensor.Value[] out = KernelHarness.run(io.jengine.ir.Node.builder("LayerNormalization").inputs("x", "g")
                .outputs("y", "mean", "inv").build(), 17, t(DType.FLOAT32, shape(2, 3), x), t(DType.FLOAT32, shape(3), 1, 1, 1));
        check(t(DType.FLOAT32, shape(2, 1), mean), out[1]);
        check(t(DType.FLOAT32, shape(2, 1), inv), out[2]);
    }
}
