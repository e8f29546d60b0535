package io.jengine.calib;

import java.lang.foreign.MemorySegment;
import java.util.Objects;

/**
 * The running minimum and maximum of one tensor's values over all calibration batches: the first calibration pass,
 * whose {@link #amax()} is the threshold of min-max calibration and the range of the second pass's
 * {@link TensorHistogram}.
 *
 * <p>NaN and infinite values are left out of the range (one of them would make every threshold useless) but counted,
 * so that the builder can report a model whose activations overflow. Not thread-safe: one accumulator per tensor,
 * fed by one thread at a time.
 */
public final class TensorRange {
    private float min = Float.POSITIVE_INFINITY;
    private float max = Float.NEGATIVE_INFINITY;
    private long count;
    private long nan;
    private long infinite;

    /** An empty range, before any value. */
    public TensorRange() {}

    /** Adds {@code values[from, to)}. */
    public void add(float[] values, int from, int to) {
        Objects.checkFromToIndex(from, to, values.length);
        float lo = min, hi = max;
        long nonFinite = 0;
        for (int i = from; i < to; i++) {
            float v = values[i];
            // False for NaN as well as for both infinities: one well-predicted branch for the common case.
            if (Math.abs(v) < Float.POSITIVE_INFINITY) {
                if (v < lo) lo = v;
                if (v > hi) hi = v;
            } else {
                nonFinite++;
                if (Float.isNaN(v)) nan++;
                else infinite++;
            }
        }
        min = lo;
        max = hi;
        count += to - from;
    }

    /**
     * Adds the first {@code count} float32 values of {@code floats}, in native byte order (little-endian on every
     * platform the engine runs on), read in chunks.
     *
     * @throws IllegalArgumentException if the segment holds fewer than {@code count} floats
     */
    public void add(MemorySegment floats, long count) {
        SegmentFloats.forEach(floats, count, (chunk, n) -> add(chunk, 0, n));
    }

    /** How many values were added, finite or not. */
    public long count() { return count; }

    /** How many of them were NaN. */
    public long nanCount() { return nan; }

    /** How many of them were positive or negative infinity. */
    public long infiniteCount() { return infinite; }

    /** How many were finite and so make up the range. */
    public long finiteCount() { return count - nan - infinite; }

    /** The smallest finite value, or NaN before any. */
    public double min() { return finiteCount() == 0 ? Double.NaN : min; }

    /** The largest finite value, or NaN before any. */
    public double max() { return finiteCount() == 0 ? Double.NaN : max; }

    /**
     * The largest finite magnitude, {@code max(|min|, |max|)}: the threshold of min-max calibration. 0 before any
     * finite value, which a symmetric scale represents as exactly as any other.
     */
    public double amax() {
        return finiteCount() == 0 ? 0 : Math.max(Math.abs((double) min), Math.abs((double) max));
    }

    /**
     * Whether no finite value was negative (true before any): a ReLU's output, say, which an unsigned type could hold
     * with twice the resolution.
     */
    public boolean nonNegative() { return finiteCount() == 0 || min >= 0; }

    @Override
    public String toString() {
        return "TensorRange[min=" + min() + ", max=" + max() + ", count=" + count + ", nan=" + nan + ", infinite="
                + infinite + "]";
    }
}
