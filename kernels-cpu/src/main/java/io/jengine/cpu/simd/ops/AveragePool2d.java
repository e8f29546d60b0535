package io.jengine.cpu.simd.ops;

import static io.jengine.cpu.simd.ops.VectorMath.F;

import io.jengine.spi.IntraOpPool;
import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;

/**
 * AveragePool over NCHW float32 planes (2-D, any kernel, strides, dilations, pads, ceil_mode, count_include_pad),
 * vectorized along the output width and threaded over planes. The divisor of each output is, as in the reference,
 * the taps inside the input, or with count_include_pad the taps inside the input and its explicit pads (not those
 * past the end pad that ceil_mode adds); both factor into a row count times a column count. Sums run in float.
 */
public final class AveragePool2d {
    private static final ByteOrder NATIVE = ByteOrder.nativeOrder();
    private final PoolWindow2d w;
    private final float[] rowTaps, colTaps;

    public AveragePool2d(PoolWindow2d window, boolean countIncludePad) {
        this.w = window;
        this.rowTaps = new float[w.outH()];
        for (int oh = 0; oh < w.outH(); oh++) {
            rowTaps[oh] = countIncludePad
                    ? PoolWindow2d.paddedTaps(oh, w.strideH(), w.dilationH(), w.kernelH(), w.padTop(), w.padBottom(), w.inH())
                    : PoolWindow2d.validTaps(oh, w.strideH(), w.dilationH(), w.kernelH(), w.padTop(), w.inH());
        }
        this.colTaps = new float[w.outW()];
        for (int ow = 0; ow < w.outW(); ow++) {
            colTaps[ow] = countIncludePad
                    ? PoolWindow2d.paddedTaps(ow, w.strideW(), w.dilationW(), w.kernelW(), w.padLeft(), w.padRight(), w.inW())
                    : PoolWindow2d.validTaps(ow, w.strideW(), w.dilationW(), w.kernelW(), w.padLeft(), w.inW());
        }
    }

    public PoolWindow2d window() { return w; }

    /** As {@link MaxPool2d#run}: {@code planes} planes from {@code x} into {@code y}, which must not overlap. */
    public void run(MemorySegment x, long xOff, MemorySegment y, long yOff, long planes, int threads) {
        PoolPlanes.check(w, x, xOff, y, yOff, planes);
        int tasks = TaskRanges.tasks(planes, threads);
        IntraOpPool.shared().parallelFor(threads, tasks, t -> {
            PhaseRows rows = new PhaseRows(w);
            int[] bases = new int[w.kernelH()];
            for (long p = TaskRanges.start(planes, tasks, t); p < TaskRanges.start(planes, tasks, t + 1); p++) {
                rows.load(x, xOff + 4L * p * w.inPlane(), 0f);
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
            float rowCount = rowTaps[oh];
            for (int ow = 0; ow < outW; ow += F.length()) {
                FloatVector acc = FloatVector.zero(F);
                if (ow + F.length() <= outW) {
                    for (int r = 0; r < n; r++) {
                        int b = bases[r] + ow;
                        for (int tap : taps) acc = acc.add(FloatVector.fromArray(F, buf, b + tap));
                    }
                    // A window with no counted tap divides 0 by 0: NaN, as the reference.
                    acc.div(FloatVector.fromArray(F, colTaps, ow).mul(rowCount)).intoMemorySegment(y, out + 4L * ow, NATIVE);
                } else {
                    VectorMask<Float> m = F.indexInRange(ow, outW);
                    for (int r = 0; r < n; r++) {
                        int b = bases[r] + ow;
                        for (int tap : taps) acc = acc.add(FloatVector.fromArray(F, buf, b + tap, m));
                    }
                    acc.div(FloatVector.fromArray(F, colTaps, ow, m).mul(rowCount)).intoMemorySegment(y, out + 4L * ow, NATIVE, m);
                }
            }
        }
    }
}
