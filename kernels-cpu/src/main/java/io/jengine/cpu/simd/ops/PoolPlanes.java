package io.jengine.cpu.simd.ops;

import java.lang.foreign.MemorySegment;

/** What the 2-D pools share: the argument checks and the input rows an output row's window covers. */
final class PoolPlanes {
    private PoolPlanes() {}

    static void check(PoolWindow2d w, MemorySegment x, long xOff, MemorySegment y, long yOff, long planes) {
        SegmentBounds.checkPositive("plane count", planes);
        SegmentBounds.checkFloats("pool input", x, xOff, Math.multiplyExact(planes, w.inPlane()));
        SegmentBounds.checkFloats("pool output", y, yOff, Math.multiplyExact(planes, w.outPlane()));
        MemorySegment in = x.asSlice(xOff, 4L * planes * w.inPlane()), out = y.asSlice(yOff, 4L * planes * w.outPlane());
        if (in.asOverlappingSlice(out).isPresent()) throw new IllegalArgumentException("pool output overlaps its input");
    }

    /**
     * Fills {@code bases} with the buffer offsets of the input rows that output row {@code oh}'s window covers
     * (rows in the padding are skipped: they hold only the neutral value) and returns how many there are.
     */
    static int validRows(PoolWindow2d w, int oh, int rowStride, int[] bases) {
        int h0 = oh * w.strideH() - w.padTop(), n = 0;
        for (int kh = 0; kh < w.kernelH(); kh++) {
            int ih = h0 + kh * w.dilationH();
            if (ih >= 0 && ih < w.inH()) bases[n++] = ih * rowStride;
        }
        return n;
    }
}
