package io.jengine.calib;

import java.lang.foreign.MemorySegment;
import java.util.Objects;

/**
 * A histogram of one tensor's magnitudes {@code |x|} in {@value #BINS} equal bins over {@code [0, range]}: the second
 * calibration pass, from which the distribution-aware {@link Calibrator}s pick a threshold below the largest value.
 *
 * <p>The range is fixed at construction, normally to the {@link TensorRange#amax()} of the first pass over the same
 * data, as TensorRT does: a histogram that grew its range as batches came would have to merge bins, blurring the
 * distribution it is kept for. A value above the range (data the first pass did not see) goes into the last bin; a
 * range of 0 (a tensor that was all zeros) puts every non-zero value in bin 0. NaN and infinite values are not counted, as in
 * {@link TensorRange}. Not thread-safe.
 */
public final class TensorHistogram {
    /** Bins over {@code [0, range]}: TensorRT's 2048, 16 bins to each of the 128 steps an int8 magnitude has. */
    public static final int BINS = 2048;

    private final double range;
    /** Bins per unit of magnitude; 0 for a range of 0, so that every value lands in bin 0. */
    private final double binsPerUnit;
    private final long[] counts = new long[BINS];
    private long total;
    private long zeros;

    /**
     * An empty histogram over {@code [0, range]}.
     *
     * @throws IllegalArgumentException if {@code range} is negative, NaN or infinite
     */
    public TensorHistogram(double range) {
        if (!(range >= 0) || Double.isInfinite(range)) {
            throw new IllegalArgumentException("histogram range must be finite and >= 0, got " + range);
        }
        this.range = range;
        this.binsPerUnit = range == 0 ? 0 : BINS / range;
    }

    /** Adds the magnitudes of {@code values[from, to)}. */
    public void add(float[] values, int from, int to) {
        Objects.checkFromToIndex(from, to, values.length);
        long added = 0;
        for (int i = from; i < to; i++) {
            float a = Math.abs(values[i]);
            if (a == 0) {
                zeros++;
                added++;
            } else if (a < Float.POSITIVE_INFINITY) { // neither NaN nor infinite
                int bin = (int) (a * binsPerUnit);
                counts[Math.min(bin, BINS - 1)]++;
                added++;
            }
        }
        total += added;
    }

    /**
     * Adds the magnitudes of the first {@code count} float32 values of {@code floats}, in native byte order, read in
     * chunks.
     *
     * @throws IllegalArgumentException if the segment holds fewer than {@code count} floats
     */
    public void add(MemorySegment floats, long count) {
        SegmentFloats.forEach(floats, count, (chunk, n) -> add(chunk, 0, n));
    }

    /**
     * A copy of the {@value #BINS} bin counts; bin {@code i} holds {@code [i, i + 1) * binWidth()}, exact zeros left
     * out (see {@link #zeros()}).
     */
    public long[] counts() { return counts.clone(); }

    /** The width of one bin, {@code range / BINS}; 0 for a range of 0. */
    public double binWidth() { return range / BINS; }

    /** The upper end of the last bin, as given at construction. */
    public double range() { return range; }

    /**
     * How many values were exactly zero. They are kept out of the bins: zero is exact at every threshold (the zero
     * point is 0), so it has no say in which threshold loses least, and a Relu's output, often half zeros, piled
     * into bin 0 made the entropy calibrator clip its tensors at a sixteenth of their range (digits_cnn's top-1
     * fell from 0.996 to 0.25).
     */
    public long zeros() { return zeros; }

    /** How many values were counted: all finite values added, zeros included. */
    public long total() { return total; }
}
