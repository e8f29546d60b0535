package io.jengine.cpu.simd.ops;

import io.jengine.spi.IntraOpPool;
import io.jengine.tensor.Shapes;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Where on float32 values with a bool condition (one byte per element), all three under numpy broadcasting, prepared
 * once for their shapes: each output element is copied from X or Y, so results are exact. The output is walked row by
 * run of its {@link BroadcastLayout} (each input contiguous, one repeated element, or periodic); threaded over runs.
 */
public final class WhereSelect {
    // Below this many elements the work is not worth waking other threads for.
    private static final long SERIAL = 1 << 15;

    private final BroadcastLayout layout;
    private final long[] sizes;

    /** @throws IllegalArgumentException when the shapes do not broadcast together */
    public WhereSelect(long[] cShape, long[] xShape, long[] yShape) {
        this.layout = new BroadcastLayout(cShape, xShape, yShape);
        this.sizes = new long[] {Shapes.size(cShape), Shapes.size(xShape), Shapes.size(yShape)};
    }

    public long[] outShape() { return layout.outShape.clone(); }

    public void run(MemorySegment c, MemorySegment x, MemorySegment y, MemorySegment out, int threads) {
        SegmentBounds.checkThreads(threads);
        SegmentBounds.checkBytes("Where condition", c, 0, sizes[0]);
        SegmentBounds.checkFloats("Where X", x, 0, sizes[1]);
        SegmentBounds.checkFloats("Where Y", y, 0, sizes[2]);
        SegmentBounds.checkFloats("Where output", out, 0, layout.outSize);
        long runs = layout.runs(), run = layout.run();
        if (runs == 0) return;
        int tasks = layout.outSize < SERIAL ? 1 : TaskRanges.tasks(runs, threads);
        IntraOpPool.shared().parallelFor(threads, tasks, t -> {
            long[] at = new long[3];
            for (long r = TaskRanges.start(runs, tasks, t); r < TaskRanges.start(runs, tasks, t + 1); r++) {
                layout.runStarts(r, at);
                long ob = r * run;
                for (long j = 0; j < run; j++) {
                    boolean pick = c.get(ValueLayout.JAVA_BYTE, layout.element(0, at[0], j)) != 0;
                    float v = pick ? x.getAtIndex(ValueLayout.JAVA_FLOAT, layout.element(1, at[1], j))
                            : y.getAtIndex(ValueLayout.JAVA_FLOAT, layout.element(2, at[2], j));
                    out.setAtIndex(ValueLayout.JAVA_FLOAT, ob + j, v);
                }
            }
        });
    }
}
