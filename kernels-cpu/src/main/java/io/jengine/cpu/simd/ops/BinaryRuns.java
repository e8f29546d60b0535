package io.jengine.cpu.simd.ops;

import static io.jengine.cpu.simd.ops.VectorMath.F;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;

/**
 * The vector loops of a binary op over one run of n elements: both operands contiguous, or one contiguous and the
 * other a repeated scalar. Each vector is read before its result is written, so the output may coincide with a
 * contiguous operand.
 */
final class BinaryRuns {
    private static final ByteOrder NATIVE = ByteOrder.nativeOrder();

    private BinaryRuns() {}

    static void both(BinaryOp op, MemorySegment a, long ao, MemorySegment b, long bo, MemorySegment y, long yo, long n) {
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

    /** {@code op(v, s)}, or {@code op(s, v)} when {@code scalarFirst}. */
    static void vectorScalar(BinaryOp op, MemorySegment v, long vo, float s, boolean scalarFirst, MemorySegment y,
                             long yo, long n) {
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

    /** Both operands scalars: n copies of one result. */
    static void scalars(BinaryOp op, float a, float b, MemorySegment y, long yo, long n) {
        float v = BinaryOp.apply(op, FloatVector.broadcast(F, a), FloatVector.broadcast(F, b)).lane(0);
        for (long i = 0; i < n; i++) y.set(java.lang.foreign.ValueLayout.JAVA_FLOAT_UNALIGNED, yo + 4 * i, v);
    }

    /**
     * {@code op(v, pattern)} (or {@code op(pattern, v)} when {@code patternFirst}) where the pattern operand repeats
     * with {@code period}: element i pairs with pattern element {@code (phase + i) % period}.
     */
    static void periodic(BinaryOp op, MemorySegment v, long vo, MemorySegment pat, long po, long period, long phase,
                         boolean patternFirst, MemorySegment y, long yo, long n) {
        long i = 0;
        if (period % F.length() == 0 && phase % F.length() == 0) {
            long at = phase;
            for (; i + F.length() <= n; i += F.length()) {
                FloatVector vv = FloatVector.fromMemorySegment(F, v, vo + 4 * i, NATIVE);
                FloatVector vp = FloatVector.fromMemorySegment(F, pat, po + 4 * at, NATIVE);
                (patternFirst ? BinaryOp.apply(op, vp, vv) : BinaryOp.apply(op, vv, vp)).intoMemorySegment(y, yo + 4 * i, NATIVE);
                at += F.length();
                if (at == period) at = 0;
            }
        }
        for (; i < n; i++) {
            FloatVector vv = FloatVector.broadcast(F, v.get(java.lang.foreign.ValueLayout.JAVA_FLOAT_UNALIGNED, vo + 4 * i));
            FloatVector vp = FloatVector.broadcast(F,
                    pat.get(java.lang.foreign.ValueLayout.JAVA_FLOAT_UNALIGNED, po + 4 * ((phase + i) % period)));
            float r = (patternFirst ? BinaryOp.apply(op, vp, vv) : BinaryOp.apply(op, vv, vp)).lane(0);
            y.set(java.lang.foreign.ValueLayout.JAVA_FLOAT_UNALIGNED, yo + 4 * i, r);
        }
    }
}
