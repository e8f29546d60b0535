package io.jengine.tensor;

import java.util.Arrays;

/**
 * ONNX Slice resolved for a concrete input shape: per axis the first index taken, the step, and the output length.
 * Negative starts and ends count from the end, then are clamped as the spec says (forward: both into [0, n];
 * backward: the start into [0, n-1], the end into [-1, n-1] — numpy would give an empty slice for a start before the
 * axis, ONNX Runtime follows the spec). Axes not sliced keep begin 0, step 1 and their length. One reading of the
 * rules for the reference kernel and the fast data-movement tactic.
 */
public record SliceBounds(long[] begin, long[] step, long[] outShape) {
    /** {@code axes} and {@code steps} may be null (all axes in order; steps of 1); repeated axes are an error. */
    public static SliceBounds resolve(long[] shape, long[] starts, long[] ends, long[] axes, long[] steps) {
        int rank = shape.length;
        if (starts == null || ends == null || starts.length != ends.length) {
            throw new IllegalArgumentException("starts " + Arrays.toString(starts) + " and ends " + Arrays.toString(ends)
                    + " must be given with equal lengths");
        }
        if ((axes != null && axes.length != starts.length) || (steps != null && steps.length != starts.length)) {
            throw new IllegalArgumentException("axes " + Arrays.toString(axes) + " and steps " + Arrays.toString(steps)
                    + " must have " + starts.length + " entries like starts");
        }
        long[] begin = new long[rank], step = new long[rank], out = shape.clone();
        Arrays.fill(step, 1);
        boolean[] seen = new boolean[rank];
        for (int i = 0; i < starts.length; i++) {
            long a = axes == null ? i : axes[i];
            if (rank == 0) throw new IllegalArgumentException("axis " + a + " needs an input of rank >= 1, got a scalar");
            int ax = Shapes.normalizeAxis(a, rank);
            if (seen[ax]) throw new IllegalArgumentException("axis " + ax + " is sliced twice");
            seen[ax] = true;
            long st = steps == null ? 1 : steps[i];
            if (st == 0) throw new IllegalArgumentException("slice step on axis " + ax + " is 0");
            long n = shape[ax];
            long b = starts[i] < 0 ? starts[i] + n : starts[i];
            long e = ends[i] < 0 ? ends[i] + n : ends[i];
            if (st > 0) {
                b = Math.max(0, Math.min(n, b));
                e = Math.max(0, Math.min(n, e));
                out[ax] = Math.max(0, Math.ceilDiv(e - b, st));
            } else {
                b = Math.max(0, Math.min(n - 1, b));
                e = Math.max(-1, Math.min(n - 1, e));
                out[ax] = n == 0 ? 0 : Math.max(0, Math.ceilDiv(b - e, -st));
            }
            begin[ax] = b;
            step[ax] = st;
        }
        return new SliceBounds(begin, step, out);
    }
}
