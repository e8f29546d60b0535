package io.jengine.calib;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

class EntropyCalibratorTest {
    private final EntropyCalibrator entropy = new EntropyCalibrator();

    /** A standard normal sample with a few values 50 to 60 standard deviations out, as a stray activation gives. */
    static float[] gaussianWithOutliers(long seed) {
        float[] v = Samples.gaussian(seed, 1_000_000);
        v[10] = 50f;
        v[20_000] = -55f;
        v[300_000] = 60f;
        return v;
    }

    /**
     * The outliers stretch the range to 60, where min-max would give the Gaussian's bulk some 15 of its 127 steps;
     * entropy calibration clips them. KL divergence keeps the Gaussian's shape: on 2048 bins it settles around 4.5 to
     * 5 standard deviations, and can never go below the 128 bins it starts from (3.75 here).
     */
    @Test
    void clipsAFewHugeOutliersButKeepsTheGaussian() {
        float[] values = gaussianWithOutliers(1);
        double t = Samples.threshold(entropy, values);
        assertTrue(t > 3.75 && t < 6, "threshold " + t + " for N(0, 1) with outliers at 50-60");
    }

    /**
     * A Relu's output: half exact zeros, half |N(0, 1)|. Zeros are exact at any threshold, so they must not pull the
     * threshold down: it stays where the non-zero half alone puts it. Piled into bin 0, they had it at ~1/16 of the
     * range, the 128-bin minimum.
     */
    @Test
    void theZerosOfARectifiedTensorDoNotPullTheThresholdDown() {
        float[] half = Samples.gaussian(7, 500_000);
        float[] rectified = new float[1_000_000];
        for (int i = 0; i < half.length; i++) rectified[2 * i] = Math.abs(half[i]);
        float[] positive = new float[half.length];
        for (int i = 0; i < half.length; i++) positive[i] = Math.abs(half[i]);
        double withZeros = Samples.threshold(entropy, rectified), without = Samples.threshold(entropy, positive);
        assertEquals(without, withZeros, 1e-9, "zeros changed the threshold");
        assertTrue(withZeros > 3, "threshold " + withZeros + " for |N(0, 1)|");
        assertTrue(Samples.threshold(new MseCalibrator(), rectified) > 3);
        assertTrue(Samples.threshold(new PercentileCalibrator(99.99), rectified) > 3);
    }

    /**
     * Discrete data, as an image of 17 grey levels: a cut right above the first level reproduces the cut histogram
     * exactly (everything above it piles into one bin), a divergence of 0, but clips nearly everything.
     */
    @Test
    void discreteLevelsAreNotClippedAway() {
        Random r = new Random(5);
        float[] pixels = new float[200_000];
        for (int i = 0; i < pixels.length; i++) pixels[i] = r.nextInt(17) / 16f;
        assertEquals(1.0, Samples.threshold(entropy, pixels), 1.0 / 2048, "the brightest level is kept");
    }

    /** Without outliers it is the same threshold: the outliers change the bins, not the distribution. */
    @Test
    void theThresholdDoesNotFollowTheOutliers() {
        float[] clean = Samples.gaussian(2, 1_000_000);
        float[] dirty = clean.clone();
        dirty[5] = 40f;
        double withOut = Samples.threshold(entropy, clean), with = Samples.threshold(entropy, dirty);
        double binWidth = Samples.histogram(dirty).binWidth();
        assertEquals(withOut, with, 0.25, "without outliers " + withOut + ", with " + with);
        assertTrue(with > 2.5 && withOut > 2.5, withOut + ", " + with);
        assertTrue(binWidth > 0.019, "the outlier coarsens the bins: " + binWidth);
    }

    @Test
    void keepsTheWholeRangeOfUniformData() {
        float[] values = Samples.uniform(3, 1_000_000);
        TensorHistogram h = Samples.histogram(values);
        double t = entropy.threshold(Samples.range(values), h);
        double amax = Samples.range(values).amax();
        assertTrue(t >= amax - 4 * h.binWidth() && t <= amax, t + " against amax " + amax);
    }

    /**
     * The closed form the calibrator evaluates agrees with the divergence computed bin by bin as the algorithm is
     * described: on a Gaussian, on a skewed distribution with gaps, and on a histogram with most bins empty.
     */
    @Test
    void agreesWithTheDivergenceComputedBinByBin() {
        long[] gaussian = Samples.histogram(gaussianWithOutliers(4)).counts();
        Random r = new Random(6);
        long[] skewed = new long[TensorHistogram.BINS];
        for (int i = 0; i < skewed.length; i++) skewed[i] = i % 7 == 3 ? 0 : (long) (1e5 * Math.exp(-i / 150.0) * r.nextDouble());
        long[] sparse = new long[TensorHistogram.BINS];
        for (int i = 0; i < 40; i++) sparse[r.nextInt(600)] += 1 + r.nextInt(1000);
        sparse[2047] = 1;
        for (long[] counts : new long[][] {gaussian, skewed, sparse}) {
            double[] kl = naiveDivergences(counts);
            // among the cuts that clip at most MAX_CLIPPED of the values, as the calibrator searches
            long total = java.util.Arrays.stream(counts).sum();
            int best = -1;
            for (int i = EntropyCalibrator.QUANTIZED_BINS; i < kl.length; i++) {
                long clipped = 0;
                for (int k = i; k < counts.length; k++) clipped += counts[k];
                if (clipped > EntropyCalibrator.MAX_CLIPPED * total) continue;
                if (best < 0 || kl[i] < kl[best]) best = i;
            }
            int cut = EntropyCalibrator.bestCut(counts);
            // Both sum the same terms in another order, so a near-tie may go either way, but only within rounding.
            assertEquals(kl[best], kl[cut], 1e-9 * Math.max(1, kl[best]), "cut " + cut + " against " + best);
        }
    }

    /**
     * A tensor whose values all lie in the top bin (a constant, say) keeps its whole range: every lower cut would leave
     * {@code Q} empty, which is no quantization of it at all, not a perfect one.
     */
    @Test
    void aConstantTensorKeepsItsRange() {
        float[] values = new float[10_000];
        java.util.Arrays.fill(values, -3.5f);
        assertEquals(3.5, Samples.threshold(entropy, values), 1e-12);
    }

    /** The threshold is the cut times the bin width: the top edge of the last bin the reference distribution keeps. */
    @Test
    void theThresholdIsTheTopEdgeOfTheLastKeptBin() {
        float[] values = gaussianWithOutliers(7);
        TensorHistogram h = Samples.histogram(values);
        double t = entropy.threshold(Samples.range(values), h);
        assertEquals(EntropyCalibrator.bestCut(h.counts()) * h.binWidth(), t, 1e-12);
    }

    /** The divergence of each cut {@code i} as the algorithm is described, one bin at a time. */
    private static double[] naiveDivergences(long[] counts) {
        int bins = counts.length, levels = EntropyCalibrator.QUANTIZED_BINS;
        double[] divergence = new double[bins + 1];
        java.util.Arrays.fill(divergence, Double.POSITIVE_INFINITY);
        for (int i = levels; i <= bins; i++) {
            double[] p = new double[i], q = new double[i];
            for (int k = 0; k < i; k++) p[k] = counts[k];
            for (int k = i; k < bins; k++) p[i - 1] += counts[k];
            for (int g = 0; g < levels; g++) {
                int lo = g * i / levels, hi = (g + 1) * i / levels;
                double mass = 0;
                int nonzero = 0;
                for (int k = lo; k < hi; k++) {
                    mass += counts[k];
                    if (p[k] > 0) nonzero++;
                }
                for (int k = lo; k < hi; k++) q[k] = p[k] > 0 ? mass / nonzero : 0;
            }
            double kept = 0;
            for (int k = 0; k < i; k++) kept += counts[k];
            if (kept == 0) continue; // Q is empty: MXNet and TVM give such a cut an infinite divergence
            for (int k = 0; k < i; k++) if (p[k] > 0 && q[k] == 0) q[k] = EntropyCalibrator.EPSILON;
            double sp = 0, sq = 0;
            for (int k = 0; k < i; k++) {
                sp += p[k];
                sq += q[k];
            }
            double kl = 0;
            for (int k = 0; k < i; k++) {
                if (p[k] > 0) kl += p[k] / sp * Math.log((p[k] / sp) / (q[k] / sq));
            }
            divergence[i] = kl;
        }
        return divergence;
    }
}
