package io.jengine.cpu.simd.ops;

import static jdk.incubator.vector.VectorOperators.ADD;
import static jdk.incubator.vector.VectorOperators.IS_NAN;
import static jdk.incubator.vector.VectorOperators.MAX;
import static jdk.incubator.vector.VectorOperators.MIN;

import io.jengine.spi.IntraOpPool;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * A float32 reduction over a run of adjacent axes, the tensor seen as {@code [outer, reduced, inner]}: y[o, i] is the
 * sum, mean, max or min of x[o, r, i] over r. Vectorized along {@code inner} where it is at least a vector wide (the
 * global pools of channel-blocked activations), else along {@code reduced}; threaded over {@code outer}. A NaN makes
 * a max or min NaN, as the reference's.
 */
public final class AxisReduce {
    private static final ByteOrder NATIVE = ByteOrder.nativeOrder();
    private static final VectorSpecies<Float> F = VectorMath.F;

    /** The reductions this runs. */
    public enum Kind { SUM, MEAN, MAX, MIN }

    private final long outer;
    private final long reduced;
    private final long inner;
    private final Kind kind;

    public AxisReduce(long outer, long reduced, long inner, Kind kind) {
        SegmentBounds.checkPositive("outer size", outer);
        SegmentBounds.checkPositive("reduced size", reduced);
        SegmentBounds.checkPositive("inner size", inner);
        this.outer = outer;
        this.reduced = reduced;
        this.inner = inner;
        this.kind = kind;
    }

    public void run(MemorySegment x, long xOff, MemorySegment y, long yOff, int threads) {
        long in = Math.multiplyExact(Math.multiplyExact(outer, reduced), inner), out = outer * inner;
        SegmentBounds.checkFloats("reduce input", x, xOff, in);
        SegmentBounds.checkFloats("reduce output", y, yOff, out);
        if (x.asSlice(xOff, 4 * in).asOverlappingSlice(y.asSlice(yOff, 4 * out)).isPresent()) {
            throw new IllegalArgumentException("reduce output overlaps its input");
        }
        int tasks = TaskRanges.tasks(outer, threads);
        IntraOpPool.shared().parallelFor(threads, tasks, t -> {
            for (long o = TaskRanges.start(outer, tasks, t); o < TaskRanges.start(outer, tasks, t + 1); o++) {
                long src = xOff + 4L * o * reduced * inner, dst = yOff + 4L * o * inner;
                if (inner >= F.length()) columns(x, src, y, dst);
                else for (long i = 0; i < inner; i++) y.set(ValueLayout.JAVA_FLOAT_UNALIGNED, dst + 4 * i, run(x, src + 4 * i));
            }
        });
    }

    /**
     * One outer slice, vectors across inner: each lane its own output. One loop per kind, so that no vector crosses a
     * call the JIT might not inline (a vector argument of a call that is not inlined is boxed).
     */
    private void columns(MemorySegment x, long src, MemorySegment y, long dst) {
        for (long i = 0; i < inner; i += F.length()) {
            VectorMask<Float> m = F.indexInRange(i, inner);
            long at = src + 4L * i, step = 4L * inner;
            FloatVector acc;
            switch (kind) {
                case SUM, MEAN -> {
                    acc = FloatVector.zero(F);
                    for (long r = 0; r < reduced; r++) acc = acc.add(FloatVector.fromMemorySegment(F, x, at + r * step, NATIVE, m));
                    if (kind == Kind.MEAN) acc = acc.div((float) reduced);
                }
                case MAX -> {
                    acc = FloatVector.broadcast(F, Float.NEGATIVE_INFINITY);
                    for (long r = 0; r < reduced; r++) acc = acc.max(FloatVector.fromMemorySegment(F, x, at + r * step, NATIVE, m));
                }
                default -> {
                    acc = FloatVector.broadcast(F, Float.POSITIVE_INFINITY);
                    for (long r = 0; r < reduced; r++) acc = acc.min(FloatVector.fromMemorySegment(F, x, at + r * step, NATIVE, m));
                }
            }
            acc.intoMemorySegment(y, dst + 4L * i, NATIVE, m);
        }
    }

    /** One output from {@code reduced} values {@code inner} apart. */
    private float run(MemorySegment x, long at) {
        if (inner == 1) {
            FloatVector acc = FloatVector.broadcast(F, start());
            long r = 0;
            for (; r + F.length() <= reduced; r += F.length()) acc = combine(acc, FloatVector.fromMemorySegment(F, x, at + 4 * r, NATIVE));
            float v = switch (kind) {
                case SUM, MEAN -> VectorMath.sumLanes(acc);
                case MAX -> acc.reduceLanes(MAX);
                case MIN -> acc.reduceLanes(MIN);
            };
            boolean nan = acc.test(IS_NAN).anyTrue();
            for (; r < reduced; r++) {
                float e = x.get(ValueLayout.JAVA_FLOAT_UNALIGNED, at + 4 * r);
                nan |= Float.isNaN(e);
                v = scalar(v, e);
            }
            if (nan && kind != Kind.SUM && kind != Kind.MEAN) return Float.NaN;
            return kind == Kind.MEAN ? v / reduced : v;
        }
        float v = start();
        boolean nan = false;
        for (long r = 0; r < reduced; r++) {
            float e = x.get(ValueLayout.JAVA_FLOAT_UNALIGNED, at + 4 * r * inner);
            nan |= Float.isNaN(e);
            v = scalar(v, e);
        }
        if (nan && kind != Kind.SUM && kind != Kind.MEAN) return Float.NaN;
        return kind == Kind.MEAN ? v / reduced : v;
    }

    private float start() {
        return switch (kind) {
            case SUM, MEAN -> 0f;
            case MAX -> Float.NEGATIVE_INFINITY;
            case MIN -> Float.POSITIVE_INFINITY;
        };
    }

    /** Java's vector max/min keep NaN (they follow Math.max/min), so a NaN lane stays NaN. */
    private FloatVector combine(FloatVector acc, FloatVector v) {
        return switch (kind) {
            case SUM, MEAN -> acc.add(v);
            case MAX -> acc.max(v);
            case MIN -> acc.min(v);
        };
    }

    private float scalar(float acc, float v) {
        return switch (kind) {
            case SUM, MEAN -> acc + v;
            case MAX -> Math.max(acc, v);
            case MIN -> Math.min(acc, v);
        };
    }
}
