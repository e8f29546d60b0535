package io.jengine.cpu.simd.ops;

import io.jengine.spi.IntraOpPool;
import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Nearest-neighbour Resize over H and W of channel-blocked float32 activations {@code [N, C/b, H, W, b]}: every output
 * position copies the b channels of the input position its row and column taps name (taps computed by the caller
 * with the reference's coordinate arithmetic), one vector at a time. Threaded over output rows. Exact copies.
 */
public final class BlockedResizeNearest {
    private static final ByteOrder NATIVE = ByteOrder.nativeOrder();
    private static final VectorSpecies<Float> F = VectorMath.F;

    private final int inH, inW, block;
    private final int[] rows, cols;

    /**
     * {@code rows[oh]} and {@code cols[ow]} are the input row and column of each output position, for the first
     * {@code outH} / {@code outW} entries (the arrays may be longer).
     */
    public BlockedResizeNearest(int inH, int inW, int outH, int outW, int[] rows, int[] cols, int block) {
        SegmentBounds.checkPositive("input height", inH);
        SegmentBounds.checkPositive("input width", inW);
        if (block < 1 || block % F.length() != 0) {
            throw new IllegalArgumentException("channel block " + block + " is not a multiple of the vector width "
                    + F.length());
        }
        SegmentBounds.checkPositive("output height", outH);
        SegmentBounds.checkPositive("output width", outW);
        if (rows.length < outH || cols.length < outW) throw new IllegalArgumentException("fewer taps than outputs");
        rows = java.util.Arrays.copyOf(rows, outH);
        cols = java.util.Arrays.copyOf(cols, outW);
        for (int r : rows) if (r < 0 || r >= inH) throw new IllegalArgumentException("row tap " + r + " outside [0, " + inH + ")");
        for (int c : cols) if (c < 0 || c >= inW) throw new IllegalArgumentException("column tap " + c + " outside [0, " + inW + ")");
        this.inH = inH;
        this.inW = inW;
        this.rows = rows.clone();
        this.cols = cols.clone();
        this.block = block;
    }

    /** Resizes {@code blocks} (N·C/b) channel blocks of x (from byte xOff) into y (from byte yOff); no overlap. */
    public void run(MemorySegment x, long xOff, MemorySegment y, long yOff, long blocks, int threads) {
        SegmentBounds.checkPositive("channel blocks", blocks);
        long inPlane = (long) inH * inW * block, outPlane = (long) rows.length * cols.length * block;
        long in = Math.multiplyExact(blocks, inPlane), out = Math.multiplyExact(blocks, outPlane);
        SegmentBounds.checkFloats("resize input", x, xOff, in);
        SegmentBounds.checkFloats("resize output", y, yOff, out);
        if (x.asSlice(xOff, 4 * in).asOverlappingSlice(y.asSlice(yOff, 4 * out)).isPresent()) {
            throw new IllegalArgumentException("resize output overlaps its input");
        }
        long outRows = blocks * rows.length, rowBytes = 4L * cols.length * block;
        int tasks = TaskRanges.tasks(outRows, threads);
        IntraOpPool.shared().parallelFor(threads, tasks, t -> {
            long first = TaskRanges.start(outRows, tasks, t);
            for (long r = first; r < TaskRanges.start(outRows, tasks, t + 1); r++) {
                int oh = (int) (r % rows.length);
                long dst = yOff + r * rowBytes;
                // upsampling repeats rows: a row this task already wrote is copied whole
                if (r > first && oh > 0 && rows[oh] == rows[oh - 1]) {
                    MemorySegment.copy(y, dst - rowBytes, y, dst, rowBytes);
                    continue;
                }
                long blk = r / rows.length;
                long src = xOff + 4L * (blk * inPlane + (long) rows[oh] * inW * block);
                row(x, src, y, dst);
            }
        });
    }

    /**
     * One output row: each run of outputs that take the same input column loads that column's vectors once. (A
     * vector kept across loop iterations would be a loop phi, which the JIT cannot keep in a register: it would box.)
     */
    private void row(MemorySegment x, long src, MemorySegment y, long dst) {
        int n = cols.length;
        for (int ow = 0; ow < n; ) {
            int c = cols[ow], end = ow + 1;
            while (end < n && cols[end] == c) end++;
            for (int lane = 0; lane < block; lane += F.length()) {
                FloatVector v = FloatVector.fromMemorySegment(F, x, src + 4L * ((long) c * block + lane), NATIVE);
                for (int o = ow; o < end; o++) v.intoMemorySegment(y, dst + 4L * ((long) o * block + lane), NATIVE);
            }
            ow = end;
        }
    }
}
