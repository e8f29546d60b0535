package io.jengine.cpu.simd.ops;

import io.jengine.spi.IntraOpPool;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * QuantizeLinear and DequantizeLinear with one scale and zero point for the whole tensor, float32 against uint8 or
 * int8, as the reference computes them: quantize rounds {@code x / scale} (float division) half to even, adds the zero
 * point and saturates, NaN becoming 0; dequantize computes {@code (q - zp) * scale} with one rounding. They bound a
 * quantized model's integer layers; the reference's per-element generic access made them a third of a simulated-INT8
 * ResNet's time.
 */
public final class LinearQuantize {
    // Below this many elements the work is not worth waking other threads for.
    private static final long SERIAL = 1 << 16;

    private LinearQuantize() {}

    /** {@code y[i] = saturate(rint(x[i] / scale) + zero)} for {@code n} elements, to uint8 or int8 bytes. */
    public static void quantize(MemorySegment x, MemorySegment y, long n, float scale, int zero, boolean unsigned,
                                int threads) {
        SegmentBounds.checkThreads(threads);
        SegmentBounds.checkFloats("QuantizeLinear x", x, 0, n);
        SegmentBounds.checkBytes("QuantizeLinear y", y, 0, n);
        int lo = unsigned ? 0 : -128, hi = unsigned ? 255 : 127;
        int tasks = n < SERIAL ? 1 : TaskRanges.tasks(n, threads);
        IntraOpPool.shared().parallelFor(threads, tasks, t -> {
            for (long i = TaskRanges.start(n, tasks, t), end = TaskRanges.start(n, tasks, t + 1); i < end; i++) {
                float q = x.getAtIndex(ValueLayout.JAVA_FLOAT, i) / scale;
                int v;
                if (Float.isNaN(q)) {
                    v = 0;
                } else {
                    double r = Math.rint(q) + zero;
                    v = r <= lo ? lo : r >= hi ? hi : (int) r;
                }
                y.set(ValueLayout.JAVA_BYTE, i, (byte) v);
            }
        });
    }

    /** {@code y[i] = (q[i] - zero) * scale} for {@code n} uint8 or int8 elements. */
    public static void dequantize(MemorySegment q, MemorySegment y, long n, float scale, int zero, boolean unsigned,
                                  int threads) {
        SegmentBounds.checkThreads(threads);
        SegmentBounds.checkBytes("DequantizeLinear x", q, 0, n);
        SegmentBounds.checkFloats("DequantizeLinear y", y, 0, n);
        int tasks = n < SERIAL ? 1 : TaskRanges.tasks(n, threads);
        IntraOpPool.shared().parallelFor(threads, tasks, t -> {
            for (long i = TaskRanges.start(n, tasks, t), end = TaskRanges.start(n, tasks, t + 1); i < end; i++) {
                byte b = q.get(ValueLayout.JAVA_BYTE, i);
                int v = unsigned ? b & 0xff : b;
                y.setAtIndex(ValueLayout.JAVA_FLOAT, i, (v - zero) * scale);
            }
        });
    }
}
