package io.jengine.cpu.simd.ops;

import io.jengine.tensor.Shapes;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;

/**
 * Transpose of a dense tensor of any element size by a permutation, prepared once for its shape: adjacent axes that
 * stay adjacent are merged, an unchanged innermost axis becomes bulk row copies, an innermost swap a blocked 2-D
 * transpose (see {@link StridedCopy}).
 */
public final class Transpose {
    private final StridedCopy copy;
    private final long[] outShape;
    private final long inBytes;

    /** {@code perm[k]} is the input axis that output axis k takes (ONNX's perm; null reverses the axes). */
    public Transpose(long[] shape, int[] perm, int elementSize) {
        int r = shape.length;
        if (perm == null) {
            perm = new int[r];
            for (int i = 0; i < r; i++) perm[i] = r - 1 - i;
        }
        boolean[] seen = new boolean[r];
        if (perm.length != r) {
            throw new IllegalArgumentException("perm " + Arrays.toString(perm) + " must have " + r + " entries for shape "
                    + Shapes.format(shape));
        }
        for (int p : perm) {
            if (p < 0 || p >= r || seen[p]) {
                throw new IllegalArgumentException("perm " + Arrays.toString(perm) + " is not a permutation of 0.." + (r - 1));
            }
            seen[p] = true;
        }
        long[] st = Shapes.strides(shape), dims = new long[r], strides = new long[r];
        for (int k = 0; k < r; k++) {
            dims[k] = shape[perm[k]];
            strides[k] = st[perm[k]];
        }
        this.copy = new StridedCopy(dims, strides, 0, elementSize);
        this.outShape = dims;
        this.inBytes = Math.multiplyExact(Shapes.size(shape), elementSize);
    }

    public long[] outShape() { return outShape.clone(); }

    /** The dims left after merging (for tests and plans). */
    public long[] collapsedDims() { return copy.collapsedDims(); }

    /** Transposes the tensor at byte {@code xOff} of x into byte {@code yOff} of y, which must not overlap it. */
    public void run(MemorySegment x, long xOff, MemorySegment y, long yOff, int threads) {
        copy.run(x, xOff, inBytes, y, yOff, threads);
    }
}
