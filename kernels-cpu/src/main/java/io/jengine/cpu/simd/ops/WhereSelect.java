package io.jengine.cpu.simd.ops;

import io.jengine.spi.IntraOpPool;
import io.jengine.tensor.Shapes;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Where on float32 values with a bool condition (one byte per element), all three under numpy broadcasting, prepared
 * once for their shapes: each output element is copied from X or Y, so results are exact. The output is walked row by
 * row (its last dim), each input stepping through a row contiguously or repeating one element; threaded over rows.
 */
public final class WhereSelect {
    // Below this many elements the work is not worth waking other threads for.
    private static final long SERIAL = 1 << 15;

    private final long[] outShape;
    private final long[][] strides;
    private final long[] sizes;
    private final long inner, rows;

    /** @throws IllegalArgumentException when the shapes do not broadcast together */
    public WhereSelect(long[] cShape, long[] xShape, long[] yShape) {
        this.outShape = Shapes.broadcast(cShape, xShape, yShape);
        this.strides = new long[][] {Shapes.broadcastStrides(cShape, outShape),
                Shapes.broadcastStrides(xShape, outShape), Shapes.broadcastStrides(yShape, outShape)};
        this.sizes = new long[] {Shapes.size(cShape), Shapes.size(xShape), Shapes.size(yShape)};
        this.inner = outShape.length == 0 ? 1 : outShape[outShape.length - 1];
        this.rows = inner == 0 ? 0 : Shapes.size(outShape) / inner;
    }

    public long[] outShape() { return outShape.clone(); }

    public void run(MemorySegment c, MemorySegment x, MemorySegment y, MemorySegment out, int threads) {
        SegmentBounds.checkThreads(threads);
        SegmentBounds.checkBytes("Where condition", c, 0, sizes[0]);
        SegmentBounds.checkFloats("Where X", x, 0, sizes[1]);
        SegmentBounds.checkFloats("Where Y", y, 0, sizes[2]);
        SegmentBounds.checkFloats("Where output", out, 0, rows * inner);
        if (rows == 0) return;
        int tasks = rows * inner < SERIAL ? 1 : TaskRanges.tasks(rows, threads);
        int last = outShape.length - 1;
        long sc = last < 0 ? 0 : strides[0][last], sx = last < 0 ? 0 : strides[1][last];
        long sy = last < 0 ? 0 : strides[2][last];
        IntraOpPool.shared().parallelFor(threads, tasks, t -> {
            long[] at = new long[3];
            for (long r = TaskRanges.start(rows, tasks, t); r < TaskRanges.start(rows, tasks, t + 1); r++) {
                rowStarts(r, at);
                long ob = r * inner;
                for (long j = 0; j < inner; j++) {
                    boolean pick = c.get(ValueLayout.JAVA_BYTE, at[0] + j * sc) != 0;
                    float v = pick ? x.getAtIndex(ValueLayout.JAVA_FLOAT, at[1] + j * sx)
                            : y.getAtIndex(ValueLayout.JAVA_FLOAT, at[2] + j * sy);
                    out.setAtIndex(ValueLayout.JAVA_FLOAT, ob + j, v);
                }
            }
        });
    }

    /** Where row {@code r} of the output starts in each input, in elements. */
    private void rowStarts(long r, long[] at) {
        at[0] = at[1] = at[2] = 0;
        for (int i = outShape.length - 2; i >= 0; i--) {
            long idx = r % outShape[i];
            r /= outShape[i];
            for (int k = 0; k < 3; k++) at[k] += idx * strides[k][i];
        }
    }
}
