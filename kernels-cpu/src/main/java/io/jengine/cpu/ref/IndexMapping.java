package io.jengine.cpu.ref;

import io.jengine.tensor.DType;
import io.jengine.tensor.Shapes;
import io.jengine.tensor.Tensor;

/**
 * Builds an output by reading, for each output position, one element of the input (or a fill value): the common core
 * of Transpose, Slice, Expand, Tile, Pad and the other data-movement ops, which differ only in the index map.
 */
final class IndexMapping {
    private IndexMapping() {}

    /** Maps an output multi-index to an input flat index, or -1 for "use the fill value". */
    @FunctionalInterface
    interface Map {
        long source(long[] outIndex);
    }

    static Tensor gather(Tensor in, long[] outShape, Map map, Tensor fill) {
        Tensor out = Tensor.allocate(in.dtype(), outShape);
        long n = out.size();
        long[] idx = new long[outShape.length];
        for (long e = 0; e < n; e++) {
            long src = map.source(idx);
            if (src >= 0) Elements.copy(in, src, out, e);
            else if (fill != null) Elements.copy(fill, 0, out, e);
            increment(idx, outShape);
        }
        return out;
    }

    /** Advances a row-major multi-index by one. */
    static void increment(long[] idx, long[] shape) {
        for (int d = shape.length - 1; d >= 0; d--) {
            if (++idx[d] < shape[d]) return;
            idx[d] = 0;
        }
    }

    /** The flat offset of a multi-index under the given strides. */
    static long offset(long[] idx, long[] strides) {
        long o = 0;
        for (int d = 0; d < idx.length; d++) o += idx[d] * strides[d];
        return o;
    }

    /** A one-element tensor of {@code dtype} holding zero (or "" for strings), the default fill. */
    static Tensor zero(DType dtype) { return Tensor.allocate(dtype); }

    static long[] stridesOf(Tensor t) { return Shapes.strides(t.shape()); }
}
