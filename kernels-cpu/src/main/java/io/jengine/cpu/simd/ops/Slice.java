package io.jengine.cpu.simd.ops;

import io.jengine.tensor.Shapes;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;

/**
 * ONNX Slice of a dense tensor of any element size, prepared once for its shape and the resolved starts, ends, axes
 * and steps (negative indices counted from the end, then clamped as the spec and the reference do: forward into
 * [0, n], backward starts into [0, n-1] and ends into [-1, n-1]). Runs as a {@link StridedCopy}: step-1 slices of the
 * innermost axis are bulk row copies.
 */
public final class Slice {
    private final StridedCopy copy;
    private final long[] outShape;
    private final long inBytes;

    /** {@code axes} and {@code steps} may be null (all axes in order; steps of 1). */
    public Slice(long[] shape, long[] starts, long[] ends, long[] axes, long[] steps, int elementSize) {
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
            if (a < -rank || a >= rank) throw new IllegalArgumentException("axis " + a + " is out of range for rank " + rank);
            int ax = (int) (a < 0 ? a + rank : a);
            if (seen[ax]) throw new IllegalArgumentException("axis " + ax + " is sliced twice");
            seen[ax] = true;
            long st = steps == null ? 1 : steps[i];
            if (st == 0) throw new IllegalArgumentException("slice step on axis " + ax + " is 0");
            long n = shape[ax];
            long b = starts[i] < 0 ? starts[i] + n : starts[i], e = ends[i] < 0 ? ends[i] + n : ends[i];
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
        long[] st = Shapes.strides(shape), strides = new long[rank];
        long base = 0;
        for (int d = 0; d < rank; d++) {
            strides[d] = st[d] * step[d];
            if (out[d] > 0) base += begin[d] * st[d];
        }
        this.copy = new StridedCopy(out, strides, base, elementSize);
        this.outShape = out;
        this.inBytes = Math.multiplyExact(Shapes.size(shape), elementSize);
    }

    public long[] outShape() { return outShape.clone(); }

    /** Slices the tensor at byte {@code xOff} of x into byte {@code yOff} of y, which must not overlap it. */
    public void run(MemorySegment x, long xOff, MemorySegment y, long yOff, int threads) {
        copy.run(x, xOff, inBytes, y, yOff, threads);
    }
}
