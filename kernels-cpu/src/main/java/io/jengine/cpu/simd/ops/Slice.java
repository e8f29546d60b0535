package io.jengine.cpu.simd.ops;

import io.jengine.tensor.Shapes;
import io.jengine.tensor.SliceBounds;
import java.lang.foreign.MemorySegment;

/**
 * ONNX Slice of a dense tensor of any element size, prepared once for its shape and the starts, ends, axes and steps
 * resolved by {@link SliceBounds} (as the reference resolves them). Runs as a {@link StridedCopy}: step-1 slices of the
 * innermost axis are bulk row copies.
 */
public final class Slice {
    private final StridedCopy copy;
    private final long[] outShape;
    private final long inBytes;

    /** {@code axes} and {@code steps} may be null (all axes in order; steps of 1). */
    public Slice(long[] shape, long[] starts, long[] ends, long[] axes, long[] steps, int elementSize) {
        int rank = shape.length;
        SliceBounds bounds = SliceBounds.resolve(shape, starts, ends, axes, steps);
        long[] begin = bounds.begin(), step = bounds.step(), out = bounds.outShape();
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
