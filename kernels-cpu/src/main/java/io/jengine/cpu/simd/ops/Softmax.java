package io.jengine.cpu.simd.ops;

import static io.jengine.cpu.simd.ops.VectorMath.F;
import static jdk.incubator.vector.VectorOperators.ADD;
import static jdk.incubator.vector.VectorOperators.IS_NAN;
import static jdk.incubator.vector.VectorOperators.MAX;

import io.jengine.spi.IntraOpPool;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;

/**
 * Softmax and LogSoftmax of float32 data viewed as [outer, dim, inner], over the middle axis: subtract the maximum,
 * exponentiate, divide by the sum (or subtract its log). Opset 13's single axis gives inner = the product of the dims
 * after it; the older flatten-to-2-D form is inner = 1. With inner = 1 a row is vectorized along itself; otherwise
 * the vectors run across inner, each lane one independent softmax. Threaded over rows (and inner chunks).
 *
 * <p>Special values fall out as in the reference: a NaN in a row, a +Inf in a row (Inf - Inf) or a row of -Inf
 * makes the whole row NaN. In place (src == dst at the same offset) is supported.
 */
public final class Softmax {
    private static final ByteOrder NATIVE = ByteOrder.nativeOrder();

    private Softmax() {}

    public static void softmax(MemorySegment src, long srcOff, MemorySegment dst, long dstOff, long outer, long dim,
                               long inner, int threads) {
        run(src, srcOff, dst, dstOff, outer, dim, inner, threads, false);
    }

    public static void logSoftmax(MemorySegment src, long srcOff, MemorySegment dst, long dstOff, long outer, long dim,
                                  long inner, int threads) {
        run(src, srcOff, dst, dstOff, outer, dim, inner, threads, true);
    }

    private static void run(MemorySegment src, long srcOff, MemorySegment dst, long dstOff, long outer, long dim,
                            long inner, int threads, boolean log) {
        SegmentBounds.checkPositive("outer size", outer);
        SegmentBounds.checkPositive("axis size", dim);
        SegmentBounds.checkPositive("inner size", inner);
        long n = Math.multiplyExact(Math.multiplyExact(outer, dim), inner);
        SegmentBounds.checkFloats("softmax input", src, srcOff, n);
        SegmentBounds.checkFloats("softmax output", dst, dstOff, n);
        SegmentBounds.checkAliasing("softmax", src, srcOff, dst, dstOff, 4 * n);
        long chunks = inner == 1 ? 1 : Math.ceilDiv(inner, F.length());
        long units = Math.multiplyExact(outer, chunks);
        int tasks = TaskRanges.tasks(units, threads);
        IntraOpPool.shared().parallelFor(threads, tasks, t -> {
            for (long u = TaskRanges.start(units, tasks, t); u < TaskRanges.start(units, tasks, t + 1); u++) {
                long o = u / chunks;
                long base = 4 * o * dim * inner;
                if (inner == 1) row(src, srcOff + base, dst, dstOff + base, dim, log);
                else columns(src, srcOff + base, dst, dstOff + base, dim, inner, (u % chunks) * F.length(), log);
            }
        });
    }

    /**
     * One contiguous row of {@code n}. Each pass is its own small method: one method holding all of them (and the
     * inlined exp and log) grows past what the JIT inlines, and a vector crossing a call that is not inlined is boxed.
     */
    static void row(MemorySegment s, long so, MemorySegment d, long dO, long n, boolean log) {
        float max = rowMax(s, so, n);
        if (log) logShift(s, so, d, dO, n, max, VectorMath.log(FloatVector.broadcast(F, expSum(s, so, null, 0, n, max))));
        else divide(d, dO, n, expSum(s, so, d, dO, n, max));
    }

    static float rowMax(MemorySegment s, long so, long n) {
        FloatVector vmax = FloatVector.broadcast(F, Float.NEGATIVE_INFINITY);
        long i = 0;
        for (; i + F.length() <= n; i += F.length()) vmax = vmax.max(FloatVector.fromMemorySegment(F, s, so + 4 * i, NATIVE));
        if (i < n) {
            VectorMask<Float> m = F.indexInRange(i, n);
            vmax = vmax.lanewise(MAX, FloatVector.fromMemorySegment(F, s, so + 4 * i, NATIVE, m), m);
        }
        // A NaN lane must win whatever the lane reduction does with NaN.
        return vmax.test(IS_NAN).anyTrue() ? Float.NaN : vmax.reduceLanes(MAX);
    }

    /** The sum of exp(x - max) over the row, storing each term into d unless d is null. */
    static float expSum(MemorySegment s, long so, MemorySegment d, long dO, long n, float max) {
        FloatVector vm = FloatVector.broadcast(F, max), sum = FloatVector.zero(F);
        long i = 0;
        for (; i + F.length() <= n; i += F.length()) {
            FloatVector e = VectorMath.exp(FloatVector.fromMemorySegment(F, s, so + 4 * i, NATIVE).sub(vm));
            sum = sum.add(e);
            if (d != null) e.intoMemorySegment(d, dO + 4 * i, NATIVE);
        }
        float total = VectorMath.sumLanes(sum);
        // The tail element by element: a second inlined exp would double this method's size for a few lanes.
        for (; i < n; i++) {
            float e = (float) Math.exp(s.get(ValueLayout.JAVA_FLOAT_UNALIGNED, so + 4 * i) - max);
            total += e;
            if (d != null) d.set(ValueLayout.JAVA_FLOAT_UNALIGNED, dO + 4 * i, e);
        }
        return total;
    }

    static void divide(MemorySegment d, long dO, long n, float total) {
        FloatVector vs = FloatVector.broadcast(F, total);
        long i = 0;
        for (; i + F.length() <= n; i += F.length()) {
            FloatVector.fromMemorySegment(F, d, dO + 4 * i, NATIVE).div(vs).intoMemorySegment(d, dO + 4 * i, NATIVE);
        }
        if (i < n) {
            VectorMask<Float> m = F.indexInRange(i, n);
            FloatVector.fromMemorySegment(F, d, dO + 4 * i, NATIVE, m).div(vs).intoMemorySegment(d, dO + 4 * i, NATIVE, m);
        }
    }

    // (x - max) - log(sum), not x - (max + log(sum)): the first difference is exact near the maximum.
    private static void logShift(MemorySegment s, long so, MemorySegment d, long dO, long n, float max, FloatVector logSum) {
        FloatVector vm = FloatVector.broadcast(F, max);
        long i = 0;
        for (; i + F.length() <= n; i += F.length()) {
            FloatVector.fromMemorySegment(F, s, so + 4 * i, NATIVE).sub(vm).sub(logSum).intoMemorySegment(d, dO + 4 * i, NATIVE);
        }
        if (i < n) {
            VectorMask<Float> m = F.indexInRange(i, n);
            FloatVector.fromMemorySegment(F, s, so + 4 * i, NATIVE, m).sub(vm).sub(logSum)
                    .intoMemorySegment(d, dO + 4 * i, NATIVE, m);
        }
    }

    /** Lanes [c, c + F.length()) of inner (masked past inner), each a softmax over dim elements inner apart. */
    private static void columns(MemorySegment s, long so, MemorySegment d, long dO, long dim, long inner, long c,
                                boolean log) {
        VectorMask<Float> m = F.indexInRange(c, inner);
        long step = 4 * inner, s0 = so + 4 * c, d0 = dO + 4 * c;
        FloatVector max = FloatVector.broadcast(F, Float.NEGATIVE_INFINITY);
        for (long j = 0; j < dim; j++) max = max.max(FloatVector.fromMemorySegment(F, s, s0 + j * step, NATIVE, m));
        FloatVector sum = FloatVector.zero(F);
        for (long j = 0; j < dim; j++) {
            FloatVector e = VectorMath.exp(FloatVector.fromMemorySegment(F, s, s0 + j * step, NATIVE, m).sub(max));
            sum = sum.add(e);
            if (!log) e.intoMemorySegment(d, d0 + j * step, NATIVE, m);
        }
        if (log) {
            FloatVector logSum = VectorMath.log(sum);
            for (long j = 0; j < dim; j++) {
                FloatVector.fromMemorySegment(F, s, s0 + j * step, NATIVE, m).sub(max).sub(logSum)
                        .intoMemorySegment(d, d0 + j * step, NATIVE, m);
            }
        } else {
            for (long j = 0; j < dim; j++) {
                FloatVector.fromMemorySegment(F, d, d0 + j * step, NATIVE, m).div(sum)
                        .intoMemorySegment(d, d0 + j * step, NATIVE, m);
            }
        }
    }
}
