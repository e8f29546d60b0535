package io.jengine.calib;

/**
 * The threshold that minimizes the expected squared error int8 quantization adds to the tensor: values above the
 * threshold {@code t} clip to it, values below round to the nearest multiple of {@code t / 127}. A lower threshold
 * trades clipping error on the few large values for rounding error on all the others, which shrinks with the step.
 *
 * <p>The candidates are the bin edges {@code t = i · binWidth} for {@code i} from 128 to {@value TensorHistogram#BINS},
 * as for {@link EntropyCalibrator}: below 128 bins the step would be finer than a bin, which the histogram cannot see
 * into. The error is taken with each bin's values spread evenly over the bin and integrated exactly, rather than
 * placed at the bin's centre: the step {@code t / 127} is only one to sixteen bins wide, and the centres' rounding
 * errors alias with it. At {@code i = 254} the step is two bins and every centre lies a quarter step from the grid,
 * which puts the rounding error a quarter below its true value; at {@code i = 381} (three bins) it is a fifth above,
 * so the error would jump from one candidate to the next. Because every candidate is a bin edge, each bin lies wholly
 * below the threshold or wholly above it.
 *
 * <p>TensorRT has no MSE calibrator: the cache algorithm name, {@value #CACHE_ALGORITHM}, is this engine's.
 */
public final class MseCalibrator implements Calibrator {
    static final String NAME = "mse";
    static final String CACHE_ALGORITHM = "MseCalibration";
    /** The smallest cut considered, in bins: one bin to a quantization step. */
    static final int FIRST_CUT = 128;

    @Override
    public String name() { return NAME; }

    @Override
    public String cacheAlgorithm() { return CACHE_ALGORITHM; }

    @Override
    public boolean needsHistogram() { return true; }

    @Override
    public double threshold(TensorRange range, TensorHistogram histogram) {
        if (histogram.total() == histogram.zeros() || histogram.binWidth() == 0) return 0;
        long[] counts = histogram.counts();
        int best = counts.length;
        double bestError = Double.POSITIVE_INFINITY;
        for (int cut = FIRST_CUT; cut <= counts.length; cut++) {
            double e = error(counts, cut);
            if (e < bestError) {
                bestError = e;
                best = cut;
            }
        }
        return Math.min(best * histogram.binWidth(), range.amax());
    }

    /**
     * The summed squared error of quantizing the histogram's values with the threshold at {@code cut} bins, in units
     * of the bin width squared (which does not change where the minimum is).
     */
    static double error(long[] counts, int cut) {
        double step = cut / (double) Calibrator.LEVELS; // in bins
        double error = 0;
        // Below the cut: Σ count/1 · ∫ over the bin of the rounding error squared. In steps, the integral over
        // [a, b] bins is step³ · (R(b / step) − R(a / step)).
        double previous = roundingIntegral(0);
        for (int k = 0; k < cut; k++) {
            double next = roundingIntegral((k + 1) / step);
            if (counts[k] != 0) error += counts[k] * (next - previous);
            previous = next;
        }
        error *= step * step * step;
        // Above the cut: each value clips to the threshold; ∫ from m to m + 1 of x² is ((m + 1)³ − m³) / 3.
        for (int k = cut; k < counts.length; k++) {
            if (counts[k] == 0) continue;
            double m = k - cut;
            error += counts[k] * (3 * m * m + 3 * m + 1) / 3;
        }
        return error;
    }

    /**
     * {@code ∫₀ˣ (y − round(y))² dy} for {@code x >= 0}: each whole step contributes 1/12, and within a step the
     * error {@code y − round(y)} runs from −½ to ½ as {@code y + ½} crosses it.
     */
    static double roundingIntegral(double x) {
        double u = x + 0.5;
        double whole = Math.floor(u);
        double e = u - whole - 0.5; // the rounding error at x, in [-½, ½)
        // ∫ from 0 to x = ∫ from -½ to x minus the half step [-½, 0], whose integral is 1/24.
        return whole / 12 + (e * e * e + 0.125) / 3 - 1.0 / 24;
    }

    @Override
    public String toString() { return NAME; }
}
