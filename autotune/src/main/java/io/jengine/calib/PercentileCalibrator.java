package io.jengine.calib;

/**
 * The threshold below which a given percentage of the tensor's magnitudes lie: clips a fixed, small share of the
 * values whatever their distribution. Taken from the histogram's cumulative counts and interpolated linearly within
 * the bin where the percentile falls, as if the values were spread evenly over it.
 *
 * <p>TensorRT has no percentile calibrator, so its cache algorithm name, {@value #CACHE_ALGORITHM}, is this engine's;
 * TensorRT will not take such a cache for one of its own algorithms.
 */
public final class PercentileCalibrator implements Calibrator {
    static final String NAME = "percentile";
    static final String CACHE_ALGORITHM = "PercentileCalibration";
    /** 99.99: one value in ten thousand clips, the usual default of percentile calibration. */
    public static final double DEFAULT_PERCENTILE = 99.99;

    private final double percentile;

    /** Calibration at {@link #DEFAULT_PERCENTILE}. */
    public PercentileCalibrator() { this(DEFAULT_PERCENTILE); }

    /**
     * Calibration at {@code percentile}.
     *
     * @throws IllegalArgumentException unless {@code 0 < percentile <= 100}
     */
    public PercentileCalibrator(double percentile) {
        if (!(percentile > 0 && percentile <= 100)) {
            throw new IllegalArgumentException("percentile must be in (0, 100], got " + percentile);
        }
        this.percentile = percentile;
    }

    /** The percentage of the magnitudes left below the threshold. */
    public double percentile() { return percentile; }

    @Override
    public String name() { return NAME; }

    @Override
    public String cacheAlgorithm() { return CACHE_ALGORITHM; }

    @Override
    public boolean needsHistogram() { return true; }

    /** At 100 this is the top edge of the last occupied bin, capped to {@code range.amax()}: the min-max threshold. */
    @Override
    public double threshold(TensorRange range, TensorHistogram histogram) {
        long total = histogram.total();
        if (total == 0) return 0;
        long[] counts = histogram.counts();
        double target = percentile / 100 * total;
        long below = histogram.zeros(); // the zeros sit below every bin
        int bin = 0;
        // The first bin whose top reaches the target; bins before it hold fewer than target values together.
        if (below >= target) return Math.min(histogram.binWidth(), range.amax()); // mostly zeros: the smallest step
        while (bin < counts.length - 1 && below + counts[bin] < target) below += counts[bin++];
        double within = counts[bin] == 0 ? 1 : Math.min(1, (target - below) / counts[bin]);
        return Math.min((bin + within) * histogram.binWidth(), range.amax());
    }

    @Override
    public String toString() { return NAME + "(" + percentile + ")"; }
}
