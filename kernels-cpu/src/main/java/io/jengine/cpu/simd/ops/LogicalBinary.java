package io.jengine.cpu.simd.ops;

import io.jengine.spi.IntraOpPool;
import io.jengine.tensor.Shapes;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * And, Or and Xor on bool tensors (one byte per element) under numpy broadcasting, prepared once for the shapes: the
 * bytes combined bitwise, as the reference does. The output is walked run by run of its {@link BroadcastLayout} (each
 * input contiguous, one repeated element, or periodic); threaded over runs.
 */
public final class LogicalBinary {
    /** The ops, by ONNX name. */
    public enum Op { AND, OR, XOR }

    private static final long SERIAL = 1 << 16;

    private final Op op;
    private final BroadcastLayout layout;
    private final long[] sizes;
    /** The operands' names in error messages, made once: a run builds no strings. */
    private final String aName, bName, outName;

    /** @throws IllegalArgumentException when the shapes do not broadcast together */
    public LogicalBinary(Op op, long[] aShape, long[] bShape) {
        this.op = op;
        this.aName = op + " input A";
        this.bName = op + " input B";
        this.outName = op + " output";
        this.layout = new BroadcastLayout(aShape, bShape);
        this.sizes = new long[] {Shapes.size(aShape), Shapes.size(bShape)};
    }

    public long[] outShape() { return layout.outShape.clone(); }

    public void run(MemorySegment a, MemorySegment b, MemorySegment out, int threads) {
        SegmentBounds.checkThreads(threads);
        SegmentBounds.checkBytes(aName, a, 0, sizes[0]);
        SegmentBounds.checkBytes(bName, b, 0, sizes[1]);
        SegmentBounds.checkBytes(outName, out, 0, layout.outSize);
        long runs = layout.runs(), run = layout.run();
        if (runs == 0) return;
        int tasks = layout.outSize < SERIAL ? 1 : TaskRanges.tasks(runs, threads);
        IntraOpPool.shared().parallelFor(threads, tasks, t -> {
            long[] at = new long[2];
            for (long r = TaskRanges.start(runs, tasks, t); r < TaskRanges.start(runs, tasks, t + 1); r++) {
                layout.runStarts(r, at);
                long ob = r * run;
                for (long j = 0; j < run; j++) {
                    byte x = a.get(ValueLayout.JAVA_BYTE, layout.element(0, at[0], j));
                    byte y = b.get(ValueLayout.JAVA_BYTE, layout.element(1, at[1], j));
                    byte v = switch (op) {
                        case AND -> (byte) (x & y);
                        case OR -> (byte) (x | y);
                        case XOR -> (byte) (x ^ y);
                    };
                    out.set(ValueLayout.JAVA_BYTE, ob + j, v);
                }
            }
        });
    }
}
