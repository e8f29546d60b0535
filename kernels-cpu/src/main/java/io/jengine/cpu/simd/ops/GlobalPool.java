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

/**
 * GlobalAveragePool and GlobalMaxPool: one float32 per plane of {@code planeSize} contiguous elements (the spatial
 * dims of NC..., flattened), vectorized within the plane and threaded over planes. A NaN anywhere in a plane makes its
 * maximum NaN, as the reference's {@code Math.max} does.
 */
public final class GlobalPool {
    private static final ByteOrder NATIVE = ByteOrder.nativeOrder();

    private GlobalPool() {}

    /** y[p] = mean of plane p, for {@code planes} planes of x (from byte xOff) into y (from byte yOff). */
    public static void average(MemorySegment x, long xOff, MemorySegment y, long yOff, long planes, long planeSize,
                               int threads) {
        run(x, xOff, y, yOff, planes, planeSize, threads, false);
    }

    /** y[p] = maximum of plane p. */
    public static void max(MemorySegment x, long xOff, MemorySegment y, long yOff, long planes, long planeSize,
                           int threads) {
        run(x, xOff, y, yOff, planes, planeSize, threads, true);
    }

    private static void run(MemorySegment x, long xOff, MemorySegment y, long yOff, long planes, long planeSize,
                            int threads, boolean max) {
        SegmentBounds.checkPositive("plane count", planes);
        SegmentBounds.checkPositive("plane size", planeSize);
        SegmentBounds.checkFloats("global pool input", x, xOff, Math.multiplyExact(planes, planeSize));
        SegmentBounds.checkFloats("global pool output", y, yOff, planes);
        if (x.asSlice(xOff, 4 * planes * planeSize).asOverlappingSlice(y.asSlice(yOff, 4 * planes)).isPresent()) {
            throw new IllegalArgumentException("global pool output overlaps its input");
        }
        int tasks = TaskRanges.tasks(planes, threads);
        IntraOpPool.shared().parallelFor(threads, tasks, t -> {
            for (long p = TaskRanges.start(planes, tasks, t); p < TaskRanges.start(planes, tasks, t + 1); p++) {
                long at = xOff + 4L * p * planeSize;
                float v = max ? planeMax(x, at, planeSize) : planeSum(x, at, planeSize) / planeSize;
                y.set(ValueLayout.JAVA_FLOAT_UNALIGNED, yOff + 4L * p, v);
            }
        });
    }

    private static float planeSum(MemorySegment x, long at, long n) {
        FloatVector acc = FloatVector.zero(F);
        long i = 0;
        for (; i + F.length() <= n; i += F.length()) acc = acc.add(FloatVector.fromMemorySegment(F, x, at + 4 * i, NATIVE));
        if (i < n) acc = acc.add(FloatVector.fromMemorySegment(F, x, at + 4 * i, NATIVE, F.indexInRange(i, n)));
        return VectorMath.sumLanes(acc);
    }

    private static float planeMax(MemorySegment x, long at, long n) {
        FloatVector acc = FloatVector.broadcast(F, Float.NEGATIVE_INFINITY);
        long i = 0;
        for (; i + F.length() <= n; i += F.length()) acc = acc.max(FloatVector.fromMemorySegment(F, x, at + 4 * i, NATIVE));
        if (i < n) {
            acc = acc.lanewise(MAX, FloatVector.fromMemorySegment(F, x, at + 4 * i, NATIVE, F.indexInRange(i, n)),
                    F.indexInRange(i, n));
        }
        float m = acc.reduceLanes(MAX);
        // Whether the lane reduction keeps NaN is not specified; a NaN lane must win.
        return acc.test(IS_NAN).anyTrue() ? Float.NaN : m;
    }
}
