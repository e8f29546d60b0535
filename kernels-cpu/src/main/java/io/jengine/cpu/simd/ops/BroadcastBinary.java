package io.jengine.cpu.simd.ops;

import io.jengine.spi.IntraOpPool;
import io.jengine.tensor.Shapes;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * A float32 binary op of two inputs under numpy broadcasting, prepared once for their shapes. The broadcast is first
 * collapsed to the fewest dims (dims of size 1 dropped; neighbours merged where both inputs step through them
 * contiguously, or both repeat over them), so that the innermost dim is a contiguous run in which each input is
 * either a vector or one repeated scalar; the outer dims are walked row by row. Threaded over rows and long runs.
 *
 * <p>The output may be exactly one input (same segment, offset and element count: in place); any other overlap is
 * rejected.
 */
public final class BroadcastBinary {
    // A run longer than this is cut into several tasks; a multiple of every vector length.
    private static final long CHUNK = 1 << 14;
    // Below this many elements the work is not worth waking other threads for.
    private static final long SERIAL = 1 << 15;

    private final BinaryOp op;
    private final BroadcastLayout layout;
    private final long aSize, bSize;
    /** The operands' names in error messages, made once: a run builds no strings. */
    private final String aName, bName, yName;

    public BroadcastBinary(BinaryOp op, long[] aShape, long[] bShape) {
        this.op = op;
        this.aName = op.onnxName() + " input A";
        this.bName = op.onnxName() + " input B";
        this.yName = op.onnxName() + " output";
        this.layout = new BroadcastLayout(aShape, bShape);
        this.aSize = Shapes.size(aShape);
        this.bSize = Shapes.size(bShape);
    }

    public long[] outShape() { return layout.outShape.clone(); }

    /** The collapsed dims, outermost first (for tests and plans: how much of the broadcast was merged away). */
    public long[] collapsedDims() { return layout.dims.clone(); }

    public void run(MemorySegment a, long aOff, MemorySegment b, long bOff, MemorySegment y, long yOff, int threads) {
        long outSize = layout.outSize;
        SegmentBounds.checkThreads(threads);
        SegmentBounds.checkFloats(aName, a, aOff, aSize);
        SegmentBounds.checkFloats(bName, b, bOff, bSize);
        SegmentBounds.checkFloats(yName, y, yOff, outSize);
        SegmentBounds.checkInPlace(op.onnxName(), "A", a, aOff, aSize, y, yOff, outSize);
        SegmentBounds.checkInPlace(op.onnxName(), "B", b, bOff, bSize, y, yOff, outSize);
        if (outSize == 0) return;
        long run = layout.run(), chunks = Math.ceilDiv(run, CHUNK), units = layout.runs() * chunks;
        int tasks = outSize < SERIAL ? 1 : TaskRanges.tasks(units, threads);
        boolean aVec = layout.contiguous(0), bVec = layout.contiguous(1);
        long aPeriod = layout.period(0), bPeriod = layout.period(1);
        IntraOpPool.shared().parallelFor(threads, tasks, t -> {
            long[] starts = new long[2];
            for (long u = TaskRanges.start(units, tasks, t); u < TaskRanges.start(units, tasks, t + 1); u++) {
                long r = u / chunks, from = (u % chunks) * CHUNK, n = Math.min(run, from + CHUNK) - from;
                layout.runStarts(r, starts);
                long ya = yOff + 4 * (r * run + from);
                if (aPeriod != 0 || bPeriod != 0) {
                    periodic(a, aOff + 4 * starts[0], aPeriod, b, bOff + 4 * starts[1], bPeriod, from, y, ya, n);
                    continue;
                }
                long aa = aOff + 4 * (starts[0] + (aVec ? from : 0)), ba = bOff + 4 * (starts[1] + (bVec ? from : 0));
                if (aVec && bVec) BinaryRuns.both(op, a, aa, b, ba, y, ya, n);
                else if (aVec) BinaryRuns.vectorScalar(op, a, aa, b.get(ValueLayout.JAVA_FLOAT_UNALIGNED, ba), false, y, ya, n);
                else if (bVec) BinaryRuns.vectorScalar(op, b, ba, a.get(ValueLayout.JAVA_FLOAT_UNALIGNED, aa), true, y, ya, n);
                else BinaryRuns.scalars(op, a.get(ValueLayout.JAVA_FLOAT_UNALIGNED, aa),
                        b.get(ValueLayout.JAVA_FLOAT_UNALIGNED, ba), y, ya, n);
            }
        });
    }

    /** A run where one operand (or both) repeats a pattern: the other is contiguous, a scalar, or periodic too. */
    private void periodic(MemorySegment a, long aa, long aPeriod, MemorySegment b, long ba, long bPeriod, long from,
                          MemorySegment y, long ya, long n) {
        if (aPeriod != 0 && bPeriod != 0) {
            // both periodic (rare: both inputs the same small pattern): element by element
            for (long i = 0; i < n; i++) {
                float av = a.get(ValueLayout.JAVA_FLOAT_UNALIGNED, aa + 4 * ((from + i) % aPeriod));
                float bv = b.get(ValueLayout.JAVA_FLOAT_UNALIGNED, ba + 4 * ((from + i) % bPeriod));
                BinaryRuns.scalars(op, av, bv, y, ya + 4 * i, 1);
            }
            return;
        }
        boolean patternFirst = aPeriod != 0;
        MemorySegment v = patternFirst ? b : a, pat = patternFirst ? a : b;
        long vo = patternFirst ? ba : aa, po = patternFirst ? aa : ba, period = patternFirst ? aPeriod : bPeriod;
        boolean vVec = layout.contiguous(patternFirst ? 1 : 0);
        if (vVec) {
            BinaryRuns.periodic(op, v, vo + 4 * from, pat, po, period, from % period, patternFirst, y, ya, n);
        } else {
            // the other operand is one repeated element: pair it with the pattern as a run of its own
            float s = v.get(ValueLayout.JAVA_FLOAT_UNALIGNED, vo);
            for (long i = 0; i < n; i++) {
                float p = pat.get(ValueLayout.JAVA_FLOAT_UNALIGNED, po + 4 * ((from + i) % period));
                BinaryRuns.scalars(op, patternFirst ? p : s, patternFirst ? s : p, y, ya + 4 * i, 1);
            }
        }
    }
}
