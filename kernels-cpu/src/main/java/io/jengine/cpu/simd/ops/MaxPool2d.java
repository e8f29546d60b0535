package io.jengine.cpu.simd.ops;

import static io.jengine.cpu.simd.ops.VectorMath.F;

import io.jengine.spi.IntraOpPool;
import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;

/**
 * MaxPool over NCHW float32 planes (2-D, any kernel, strides, dilations, pads, ceil_mode), vectorized along the
 * output width and threaded over planes. Matches the reference bit for bit: a window's first NaN, else the first of
 * its largest values in row-major order (so of -0.0 and +0.0 whichever comes first, where {@code Math.max} would
 * always give +0.0), and -Inf for a window wholly in the padding. No Indices output.
 */
public final class MaxPool2d {
    private static final ByteOrder NATIVE = ByteOrder.nativeOrder();
    private final PoolWindow2d w;

    public MaxPool2d(PoolWindow2d window) { this.w = window; }

    public PoolWindow2d window() { return w; }

    /**
     * Pools {@code planes} consecutive input planes of {@code inH x inW} floats from byte {@code xOff} of {@code x}
     * into as many output planes of {@code outH x outW} from byte {@code yOff} of {@code y}, on up to
     * {@code threads} threads. Input and output must not overlap.
     */
    public void run(MemorySegment x, long xOff, MemorySegment y, long yOff, long planes, int threads) {
        PoolPlanes.check(w, x, xOff, y, yOff, planes);
        int tasks = TaskRanges.tasks(planes, threads);
        IntraOpPool.shared().parallelFor(threads, tasks, t -> {
            PhaseRows rows = new PhaseRows(w);
            int[] bases = new int[w.kernelH()];
            for (long p = TaskRanges.start(planes, tasks, t); p < TaskRanges.start(planes, tasks, t + 1); p++) {
                rows.load(x, xOff + 4L * p * w.inPlane(), Float.NEGATIVE_INFINITY);
                plane(rows, bases, y, yOff + 4L * p * w.outPlane());
            }
        });
    }

    private void plane(PhaseRows rows, int[] bases, MemorySegment y, long yOff) {
        float[] buf = rows.buf;
        int[] taps = rows.tapOffset;
        int outW = w.outW(), stride = rows.rowStride();
        for (int oh = 0; oh < w.outH(); oh++) {
            int n = PoolPlanes.validRows(w, oh, stride, bases);
            long out = yOff + 4L * oh * outW;
            for (int ow = 0; ow < outW; ow += F.length()) {
                FloatVector acc = FloatVector.broadcast(F, Float.NEGATIVE_INFINITY);
                if (ow + F.length() <= outW) {
                    for (int r = 0; r < n; r++) {
                        int b = bases[r] + ow;
                        for (int tap : taps) acc = VectorMath.firstMax(acc, FloatVector.fromArray(F, buf, b + tap));
                    }
                    acc.intoMemorySegment(y, out + 4L * ow, NATIVE);
                } else {
                    VectorMask<Float> m = F.indexInRange(ow, outW);
                    for (int r = 0; r < n; r++) {
                        int b = bases[r] + ow;
                        for (int tap : taps) acc = VectorMath.firstMax(acc, FloatVector.fromArray(F, buf, b + tap, m));
                    }
                    acc.intoMemorySegment(y, out + 4L * ow, NATIVE, m);
                }
            }
        }
    }
}
