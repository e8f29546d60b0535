package io.jengine.cpu.simd.ops;

import io.jengine.spi.IntraOpPool;
import io.jengine.tensor.Shapes;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * And, Or and Xor on bool tensors (one byte per element) under numpy broadcasting, prepared once for the shapes: the
 * bytes combined bitwise, as the reference does. The output is walked row by row (its last dim), each input stepping
 * through a row contiguously or repeating one element; threaded over rows.
 */
public final class LogicalBinary {
    /** The ops, by ONNX name. */
    public enum Op { AND, OR, XOR }

    private static final long SERIAL = 1 << 16;

    private final Op op;
    private final long[] outShape;
    private final long[][] strides;
    private final long[] sizes;
    private final long inner, rows;

    /** @throws IllegalArgumentException when the shapes do not broadcast together */
    public LogicalBinary(Op op, long[] aShape, long[] bShape) {
        this.op = op;
        this.outShape = Shapes.broadcast(aShape, bShape);
        this.strides = new long[][] {Shapes.broadcastStrides(aShape, outShape), Shapes.broadcastStrides(bShape, outShape)};
        this.sizes = new long[] {Shapes.size(aShape), Shapes.size(bShape)};
        this.inner = outShape.length == 0 ? 1 : outShape[outShape.length - 1];
        this.rows = inner == 0 ? 0 : Shapes.size(outShape) / inner;
    }

    public long[] outShape() { return outShape.clone(); }

    public void run(MemorySegment a, MemorySegment b, MemorySegment out, int threads) {
        SegmentBounds.checkThreads(threads);
        SegmentBounds.checkBytes(op + " input A", a, 0, sizes[0]);
        SegmentBounds.checkBytes(op + " input B", b, 0, sizes[1]);
        SegmentBounds.checkBytes(op + " output", out, 0, rows * inner);
        if (rows == 0) return;
        int tasks = rows * inner < SERIAL ? 1 : TaskRanges.tasks(rows, threads);
        int last = outShape.length - 1;
        long sa = last < 0 ? 0 : strides[0][last], sb = last < 0 ? 0 : strides[1][last];
        IntraOpPool.shared().parallelFor(threads, tasks, t -> {
            long[] at = new long[2];
            for (long r = TaskRanges.start(rows, tasks, t); r < TaskRanges.start(rows, tasks, t + 1); r++) {
                rowStarts(r, at);
                long ob = r * inner;
                for (long j = 0; j < inner; j++) {
                    byte x = a.get(ValueLayout.JAVA_BYTE, at[0] + j * sa), y = b.get(ValueLayout.JAVA_BYTE, at[1] + j * sb);
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

    /** Where row {@code r} of the output starts in each input, in elements. */
    private void rowStarts(long r, long[] at) {
        at[0] = at[1] = 0;
        for (int i = outShape.length - 2; i >= 0; i--) {
            long idx = r % outShape[i];
            r /= outShape[i];
            for (int k = 0; k < 2; k++) at[k] += idx * strides[k][i];
        }
    }
}
