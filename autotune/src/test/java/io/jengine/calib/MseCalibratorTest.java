package io.jengine.calib;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class MseCalibratorTest {
    private final MseCalibrator mse = new MseCalibrator();

    /**
     * One outlier at 50 among a million N(0, 1) values. With {@code t} well inside the outlier, the error is the
     * rounding error of the bulk, {@code t² / (12 · 127²)} per value, plus the outlier's clipping error
     * {@code (50 − t)² / 10⁶}; they balance at {@code t = 2·50·10⁻⁶ / (1 / (6 · 127²) + 2·10⁻⁶) ≈ 8.1}. Squared error
     * weighs a far outlier heavily, so MSE clips much less than entropy calibration (about 4.7 here), but still far
     * below the outlier.
     */
    @Test
    void clipsAHugeOutlierWhereItsErrorBalancesTheBulksRounding() {
        float[] values = Samples.gaussian(1, 1_000_000);
        values[500] = 50f;
        TensorHistogram h = Samples.histogram(values);
        double t = mse.threshold(Samples.range(values), h);
        double expected = 2 * 50e-6 / (1.0 / (6 * 127 * 127) + 2e-6);
        assertTrue(t > 2.5 && t < 50 / 4.0, "threshold " + t);
        assertEquals(expected, t, 0.5, "the balance of rounding and clipping error");
        assertNearTheRawOptimum(values, t, h.binWidth(), 3, 20);
    }

    /** Without outliers, the known optimum for a Gaussian at 8 bits: near 4 standard deviations. */
    @Test
    void findsTheGaussiansOwnOptimum() {
        float[] values = Samples.gaussian(2, 1_000_000);
        TensorHistogram h = Samples.histogram(values);
        double t = mse.threshold(Samples.range(values), h);
        assertTrue(t > 3.5 && t < 4.5, "threshold " + t);
        assertNearTheRawOptimum(values, t, h.binWidth(), 2.5, Samples.range(values).amax());
    }

    /**
     * Uniform on [0, 1): the error is {@code t³ / (12 · 127²) + (1 − t)³ / 3}, least at {@code t = 254 / 255}, just
     * under the maximum.
     */
    @Test
    void keepsNearlyAllOfAUniformRange() {
        float[] values = Samples.uniform(3, 1_000_000);
        TensorHistogram h = Samples.histogram(values);
        double t = mse.threshold(Samples.range(values), h);
        assertEquals(254.0 / 255, t, 2 * h.binWidth());
    }

    @Test
    void aConstantTensorKeepsItsRange() {
        float[] values = new float[10_000];
        Arrays.fill(values, 2.25f);
        assertEquals(2.25, Samples.threshold(mse, values), 1e-12);
    }

    /** The rounding error's integral against a direct numerical integration. */
    @Test
    void theRoundingIntegralIsTheAreaUnderTheSquaredRoundingError() {
        assertEquals(0, MseCalibrator.roundingIntegral(0), 1e-15);
        assertEquals(0.3 * 0.3 * 0.3 / 3, MseCalibrator.roundingIntegral(0.3), 1e-15, "below ½ the error is x");
        assertEquals(1.0 / 12 * 5, MseCalibrator.roundingIntegral(5), 1e-12, "1/12 for each whole step");
        for (double x : new double[] {0.7, 1.49, 1.5, 2.2, 17.93}) {
            int n = 200_000;
            double sum = 0, dx = x / n;
            for (int k = 0; k < n; k++) {
                double y = (k + 0.5) * dx;
                double e = y - Math.floor(y + 0.5);
                sum += e * e * dx;
            }
            assertEquals(sum, MseCalibrator.roundingIntegral(x), 1e-6, "x = " + x);
        }
    }

    /** The histogram error of a cut against the same error summed over values spread evenly within their bins. */
    @Test
    void theHistogramErrorIsTheErrorOfValuesSpreadEvenlyOverTheirBins() {
        long[] counts = new long[TensorHistogram.BINS];
        counts[0] = 5;
        counts[37] = 2;
        counts[300] = 3;
        counts[2047] = 1;
        // Bins 300 and 2047 clip at a cut of 256, only 2047 at 2000; nothing at 2048, where rounding is all.
        for (int cut : new int[] {128, 256, 2000, 2048}) {
            double step = cut / 127.0;
            int perBin = 20_000;
            double sum = 0;
            for (int k = 0; k < counts.length; k++) {
                for (int j = 0; j < perBin && counts[k] > 0; j++) {
                    double x = k + (j + 0.5) / perBin; // in bins
                    double d = x >= cut ? x - cut : x - step * Math.rint(x / step);
                    sum += counts[k] * d * d / perBin;
                }
            }
            assertEquals(sum, MseCalibrator.error(counts, cut), 1e-4 * sum, "cut " + cut);
        }
    }

    /**
     * The histogram's threshold quantizes the raw values nearly as well as the best threshold found on the raw values
     * themselves, and lies near it.
     */
    private static void assertNearTheRawOptimum(float[] values, double t, double binWidth, double from, double to) {
        double best = rawOptimum(values, from, to);
        double bestError = rawError(values, best), error = rawError(values, t);
        assertTrue(error <= bestError * 1.01, "error " + error + " at " + t + ", raw optimum " + bestError + " at " + best);
        assertEquals(best, t, 4 * binWidth, "raw optimum " + best);
    }

    /** The mean squared error of quantizing the raw values with threshold {@code t}. */
    static double rawError(float[] values, double t) {
        double step = t / Calibrator.LEVELS, sum = 0;
        for (float v : values) {
            double a = Math.abs(v);
            double d = a >= t ? a - t : a - step * Math.rint(a / step);
            sum += d * d;
        }
        return sum / values.length;
    }

    /** The threshold in {@code [from, to]} with the least {@link #rawError}: a coarse scan, then a fine one. */
    static double rawOptimum(float[] values, double from, double to) {
        double coarse = (to - from) / 64;
        double best = argmin(values, from, to, coarse);
        return argmin(values, Math.max(from, best - coarse), Math.min(to, best + coarse), coarse / 32);
    }

    private static double argmin(float[] values, double from, double to, double step) {
        double best = from, bestError = Double.POSITIVE_INFINITY;
        for (int k = 0; from + k * step <= to + 1e-12; k++) {
            double t = from + k * step, e = rawError(values, t);
            if (e < bestError) {
                bestError = e;
                best = t;
            }
        }
        return best;
    }
}
