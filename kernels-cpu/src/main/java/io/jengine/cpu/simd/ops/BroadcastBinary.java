package io.jengine.cpu.simd.ops;

import static io.jengine.cpu.simd.ops.VectorMath.F;

import io.jengine.spi.IntraOpPool;
import io.jengine.tensor.Shapes;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;

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
    private static final ByteOrder NATIVE = ByteOrder.nativeOrder();
    // A run longer than this is cut into several tasks; a multiple of every vector length.
    private static final long CHUNK = 1 << 14;
    // Below this many elements the work is not worth waking other threads for.
    private static final long SERIAL = 1 << 15;

    private final BinaryOp op;
    private final long[] outShape;
    private final long aSize, bSize, outSize;
    /** Collapsed dims and the element strides of a and b through them (0: repeated); the last dim is the run. */
    private final long[] dims, aStrides, bStrides;

    public BroadcastBinary(BinaryOp op, long[] aShape, long[] bShape) {
        this.op = op;
        this.outShape = Shapes.broadcast(aShape, bShape);
        this.aSize = Shapes.size(aShape);
        this.bSize = Shapes.size(bShape);
        this.outSize = Shapes.size(outShape);
        long[] sa = Shapes.broadcastStrides(aShape, outShape), sb = Shapes.broadcastStrides(bShape, outShape);
        long[] d = new long[outShape.length + 1], ra = new long[d.length], rb = new long[d.length];
        int k = 0;
        for (int i = 0; i < outShape.length; i++) {
            if (outShape[i] == 1) continue;
            // Merge into the previous dim when both inputs continue through it as through one longer dim.
            if (k > 0 && ra[k - 1] == sa[i] * outShape[i] && rb[k - 1] == sb[i] * outShape[i]) {
                d[k - 1] *= outShape[i];
                ra[k - 1] = sa[i];
                rb[k - 1] = sb[i];
                continue;
            }
            d[k] = outShape[i];
            ra[k] = sa[i];
            rb[k] = sb[i];
            k++;
        }
        if (k == 0) { // every dim is 1: one element
            d[0] = 1;
            k = 1;
        }
        this.dims = Arrays.copyOf(d, k);
        this.aStrides = Arrays.copyOf(ra, k);
        this.bStrides = Arrays.copyOf(rb, k);
    }

    public long[] outShape() { return outShape.clone(); }

    /** The collapsed dims, outermost first (for tests and plans: how much of the broadcast was merged away). */
    public long[] collapsedDims() { return dims.clone(); }

    public void run(MemorySegment a, long aOff, MemorySegment b, long bOff, MemorySegment y, long yOff, int threads) {
        SegmentBounds.checkThreads(threads);
        SegmentBounds.checkFloats(op.onnxName() + " input A", a, aOff, aSize);
        SegmentBounds.checkFloats(op.onnxName() + " input B", b, bOff, bSize);
        SegmentBounds.checkFloats(op.onnxName() + " output", y, yOff, outSize);
        checkAliasing("A", a, aOff, aSize, y, yOff);
        checkAliasing("B", b, bOff, bSize, y, yOff);
        if (outSize == 0) return;
        int last = dims.length - 1;
        long run = dims[last], rows = outSize / run;
        long chunks = Math.ceilDiv(run, CHUNK), units = rows * chunks;
        int tasks = outSize < SERIAL ? 1 : PlaneTiles.tasks(units, threads);
        boolean aVec = aStrides[last] != 0, bVec = bStrides[last] != 0;
        IntraOpPool.shared().parallelFor(threads, tasks, t -> {
            for (long u = PlaneTiles.start(units, tasks, t); u < PlaneTiles.start(units, tasks, t + 1); u++) {
                long row = u / chunks, from = (u % chunks) * CHUNK, to = Math.min(run, from + CHUNK);
                long ao = 0, bo = 0, rest = row;
                for (int i = last - 1; i >= 0; i--) {
                    long idx = rest % dims[i];
                    rest /= dims[i];
                    ao += idx * aStrides[i];
                    bo += idx * bStrides[i];
                }
                long ya = yOff + 4 * (row * run + from), aa = aOff + 4 * (ao + (aVec ? from : 0));
                long ba = bOff + 4 * (bo + (bVec ? from : 0));
                if (aVec && bVec) both(a, aa, b, ba, y, ya, to - from);
                else if (aVec) vectorScalar(a, aa, b.get(ValueLayout.JAVA_FLOAT_UNALIGNED, ba), y, ya, to - from, false);
                else if (bVec) vectorScalar(b, ba, a.get(ValueLayout.JAVA_FLOAT_UNALIGNED, aa), y, ya, to - from, true);
                else {
                    float v = BinaryOp.apply(op, FloatVector.broadcast(F, a.get(ValueLayout.JAVA_FLOAT_UNALIGNED, aa)),
                            FloatVector.broadcast(F, b.get(ValueLayout.JAVA_FLOAT_UNALIGNED, ba))).lane(0);
                    for (long i = 0; i < to - from; i++) y.set(ValueLayout.JAVA_FLOAT_UNALIGNED, ya + 4 * i, v);
                }
            }
        });
    }

    private void both(MemorySegment a, long ao, MemorySegment b, long bo, MemorySegment y, long yo, long n) {
        long i = 0;
        for (; i + F.length() <= n; i += F.length()) {
            FloatVector va = FloatVector.fromMemorySegment(F, a, ao + 4 * i, NATIVE);
            FloatVector vb = FloatVector.fromMemorySegment(F, b, bo + 4 * i, NATIVE);
            BinaryOp.apply(op, va, vb).intoMemorySegment(y, yo + 4 * i, NATIVE);
        }
        if (i < n) {
            VectorMask<Float> m = F.indexInRange(i, n);
            FloatVector va = FloatVector.fromMemorySegment(F, a, ao + 4 * i, NATIVE, m);
            FloatVector vb = FloatVector.fromMemorySegment(F, b, bo + 4 * i, NATIVE, m);
            BinaryOp.apply(op, va, vb).intoMemorySegment(y, yo + 4 * i, NATIVE, m);
        }
    }

    /** A run of {@code v} against one repeated scalar {@code s}; {@code scalarFirst} says which operand is which. */
    private void vectorScalar(MemorySegment v, long vo, float s, MemorySegment y, long yo, long n, boolean scalarFirst) {
        FloatVector vs = FloatVector.broadcast(F, s);
        long i = 0;
        for (; i + F.length() <= n; i += F.length()) {
            FloatVector vv = FloatVector.fromMemorySegment(F, v, vo + 4 * i, NATIVE);
            (scalarFirst ? BinaryOp.apply(op, vs, vv) : BinaryOp.apply(op, vv, vs)).intoMemorySegment(y, yo + 4 * i, NATIVE);
        }
        if (i < n) {
            VectorMask<Float> m = F.indexInRange(i, n);
            FloatVector vv = FloatVector.fromMemorySegment(F, v, vo + 4 * i, NATIVE, m);
            (scalarFirst ? BinaryOp.apply(op, vs, vv) : BinaryOp.apply(op, vv, vs)).intoMemorySegment(y, yo + 4 * i, NATIVE, m);
        }
    }

    /** The output may coincide with an input of the output's size (in place), and must not overlap it otherwise. */
    private void checkAliasing(String name, MemorySegment in, long inOff, long inSize, MemorySegment y, long yOff) {
        if (inSize == 0 || outSize == 0) return;
        MemorySegment x = in.asSlice(inOff, 4 * inSize), o = y.asSlice(yOff, 4 * outSize);
        if (x.asOverlappingSlice(o).isEmpty()) return;
        if (inSize != outSize || x.asOverlappingSlice(o).get().byteSize() != 4 * outSize) {
            throw new IllegalArgumentException(op.onnxName() + " output overlaps input " + name + " without coinciding with it"
                    + " (input " + inSize + " elements at offset " + inOff + ", output " + outSize + " at " + yOff + ")");
        }
    }
}
