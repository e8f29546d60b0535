package io.jengine.cpu.simd.ops;

import static io.jengine.cpu.simd.ops.VectorMath.F;
import static jdk.incubator.vector.VectorOperators.ADD;

import io.jengine.spi.IntraOpPool;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;

/**
 * LayerNormalization over the trailing {@code size} elements of each of {@code rows} rows: y = (x - mean) * invStd *
 * scale + bias with invStd = 1 / sqrt(variance + epsilon), the variance taken about the mean in a second pass (as the
 * reference does; a one-pass sum of squares would cancel catastrophically for rows with a large mean). Optionally
 * also writes each row's mean and invStd (the op's optional outputs). Scale and bias hold {@code size} elements: a
 * scale broadcast over the normalized dims is expanded once by the caller. Threaded over rows; in place works.
 */
public final class LayerNorm {
    private static final ByteOrder NATIVE = ByteOrder.nativeOrder();

    private final long size;
    private final float epsilon;

    /** A normalization over rows of {@code size} elements with the given epsilon. */
    public LayerNorm(long size, float epsilon) {
        SegmentBounds.checkPositive("normalized size", size);
        if (!(epsilon >= 0)) throw new IllegalArgumentException("epsilon must be non-negative, got " + epsilon);
        this.size = size;
        this.epsilon = epsilon;
    }

    /**
     * Normalizes {@code rows} rows of x into y. {@code bias}, {@code mean} and {@code invStd} may be null (their
     * offsets are then ignored); mean and invStd receive one float per row.
     */
    public void run(MemorySegment x, long xOff, MemorySegment scale, long scaleOff, MemorySegment bias, long biasOff,
                    MemorySegment y, long yOff, MemorySegment mean, long meanOff, MemorySegment invStd, long invOff,
                    long rows, int threads) {
        SegmentBounds.checkPositive("row count", rows);
        long n = Math.multiplyExact(rows, size);
        SegmentBounds.checkFloats("LayerNormalization input", x, xOff, n);
        SegmentBounds.checkFloats("LayerNormalization output", y, yOff, n);
        SegmentBounds.checkAliasing("LayerNormalization", x, xOff, y, yOff, 4 * n);
        SegmentBounds.checkFloats("LayerNormalization scale", scale, scaleOff, size);
        if (bias != null) SegmentBounds.checkFloats("LayerNormalization bias", bias, biasOff, size);
        if (mean != null) SegmentBounds.checkFloats("LayerNormalization mean", mean, meanOff, rows);
        if (invStd != null) SegmentBounds.checkFloats("LayerNormalization inv_std_dev", invStd, invOff, rows);
        int tasks = TaskRanges.tasks(rows, threads);
        IntraOpPool.shared().parallelFor(threads, tasks, t -> {
            float[] stats = new float[2]; // one per task, not per row: a run allocates next to nothing
            for (long r = TaskRanges.start(rows, tasks, t); r < TaskRanges.start(rows, tasks, t + 1); r++) {
                long at = 4 * r * size;
                row(x, xOff + at, scale, scaleOff, bias, biasOff, y, yOff + at, stats);
                if (mean != null) mean.set(ValueLayout.JAVA_FLOAT_UNALIGNED, meanOff + 4 * r, stats[0]);
                if (invStd != null) invStd.set(ValueLayout.JAVA_FLOAT_UNALIGNED, invOff + 4 * r, stats[1]);
            }
        });
    }

    /** Normalizes one row; its mean and 1/std go to {@code stats[0]} and {@code stats[1]}. */
    private void row(MemorySegment x, long xo, MemorySegment scale, long so, MemorySegment bias, long bo,
                     MemorySegment y, long yo, float[] stats) {
        int l = F.length();
        FloatVector acc = FloatVector.zero(F);
        for (long j = 0; j < size; j += l) acc = acc.add(load(x, xo, j));
        float mean = VectorMath.sumLanes(acc) / size;
        FloatVector vm = FloatVector.broadcast(F, mean);
        acc = FloatVector.zero(F);
        long i = 0;
        for (; i + l <= size; i += l) {
            FloatVector dlt = FloatVector.fromMemorySegment(F, x, xo + 4 * i, NATIVE).sub(vm);
            acc = dlt.fma(dlt, acc);
        }
        if (i < size) {
            VectorMask<Float> m = F.indexInRange(i, size);
            FloatVector dlt = FloatVector.fromMemorySegment(F, x, xo + 4 * i, NATIVE, m).sub(vm);
            acc = acc.add(dlt.mul(dlt), m);
        }
        float inv = 1f / (float) Math.sqrt(VectorMath.sumLanes(acc) / size + epsilon);
        FloatVector vi = FloatVector.broadcast(F, inv);
        for (i = 0; i < size; i += l) {
            FloatVector v = load(x, xo, i).sub(vm).mul(vi);
            v = bias == null ? v.mul(load(scale, so, i)) : v.fma(load(scale, so, i), load(bias, bo, i));
            if (i + l <= size) v.intoMemorySegment(y, yo + 4 * i, NATIVE);
            else v.intoMemorySegment(y, yo + 4 * i, NATIVE, F.indexInRange(i, size));
        }
        stats[0] = mean;
        stats[1] = inv;
    }

    /** Elements [i, i + F.length()) of the row at byte {@code off}, zero past its end. */
    private FloatVector load(MemorySegment s, long off, long i) {
        return i + F.length() <= size ? FloatVector.fromMemorySegment(F, s, off + 4 * i, NATIVE)
                : FloatVector.fromMemorySegment(F, s, off + 4 * i, NATIVE, F.indexInRange(i, size));
    }
}
