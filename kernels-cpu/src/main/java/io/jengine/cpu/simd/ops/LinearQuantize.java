package io.jengine.cpu.simd.ops;

import io.jengine.spi.IntraOpPool;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * QuantizeLinear and DequantizeLinear with one scale and zero point for the whole tensor, float32 against uint8 or
 * int8, as the reference computes them: quantize rounds {@code x / scale} (float division) half to even, adds the zero
 * point and saturates, NaN becoming 0; dequantize computes {@code (q - zp) * scale} with one rounding. They bound a
 * quantized model's integer layers; the reference's per-element generic access made them a third of a simulated-INT8
 * ResNet's time. Vector-wide, with the scalar loop for the last elements.
 */
public final class LinearQuantize {
    // Below this many elements the work is not worth waking other threads for.
    private static final long SERIAL = 1 << 16;
    private static final VectorSpecies<Float> F = VectorMath.F;
    private static final VectorSpecies<Integer> I = VectorSpecies.of(int.class, F.vectorShape());
    /** Bytes, as many lanes as floats. */
    private static final VectorSpecies<Byte> B = VectorSpecies.of(byte.class,
            VectorShape.forBitSize(F.vectorBitSize() / 4));
    private static final ByteOrder NATIVE = ByteOrder.nativeOrder();
    /**
     * 1.5 * 2^23: added to a float of magnitude below 2^22 it leaves no fraction bits, so the sum is rounded to an
     * integer half to even (the default rounding), which subtracting it again keeps: Math.rint, vector-wide.
     */
    private static final float ROUNDER = 12582912f;

    private LinearQuantize() {}

    /** {@code y[i] = saturate(rint(x[i] / scale) + zero)} for {@code n} elements, to uint8 or int8 bytes. */
    public static void quantize(MemorySegment x, MemorySegment y, long n, float scale, int zero, boolean unsigned,
                                int threads) {
        SegmentBounds.checkThreads(threads);
        SegmentBounds.checkFloats("QuantizeLinear x", x, 0, n);
        SegmentBounds.checkBytes("QuantizeLinear y", y, 0, n);
        int tasks = n < SERIAL ? 1 : TaskRanges.tasks(n, threads);
        IntraOpPool.shared().parallelFor(threads, tasks, t -> {
            long i = TaskRanges.start(n, tasks, t), end = TaskRanges.start(n, tasks, t + 1);
            for (int lanes = F.length(); i + lanes <= end; i += lanes) {
                quantizeVector(FloatVector.fromMemorySegment(F, x, 4 * i, NATIVE), y, i, scale, zero, unsigned);
            }
            for (; i < end; i++) {
                y.set(ValueLayout.JAVA_BYTE, i, quantizeOne(x.getAtIndex(ValueLayout.JAVA_FLOAT, i), scale, zero, unsigned));
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
            long i = TaskRanges.start(n, tasks, t), end = TaskRanges.start(n, tasks, t + 1);
            for (int lanes = F.length(); i + lanes <= end; i += lanes) {
                dequantizeVector(q, i, scale, zero, unsigned).intoMemorySegment(y, 4 * i, NATIVE);
            }
            for (; i < end; i++) {
                y.setAtIndex(ValueLayout.JAVA_FLOAT, i, dequantize(q.get(ValueLayout.JAVA_BYTE, i), scale, zero, unsigned));
            }
        });
    }

    /** One code dequantized: {@code (q - zero) * scale}. */
    static float dequantize(byte q, float scale, int zero, boolean unsigned) {
        return ((unsigned ? q & 0xff : q) - zero) * scale;
    }

    /** {@code n} codes from byte {@code off} of {@code q} dequantized into {@code dst} (an elementwise chain's block). */
    static void dequantize(MemorySegment q, long off, float[] dst, int n, float scale, int zero, boolean unsigned) {
        int i = 0;
        for (int lanes = F.length(); i + lanes <= n; i += lanes) {
            dequantizeVector(q, off + i, scale, zero, unsigned).intoArray(dst, i);
        }
        for (; i < n; i++) dst[i] = dequantize(q.get(ValueLayout.JAVA_BYTE, off + i), scale, zero, unsigned);
    }

    /** {@code n} floats of {@code x} quantized to codes at byte {@code off} of {@code y}, as {@link #quantize} does. */
    static void quantize(float[] x, int n, MemorySegment y, long off, float scale, int zero, boolean unsigned) {
        int i = 0;
        for (int lanes = F.length(); i + lanes <= n; i += lanes) {
            quantizeVector(FloatVector.fromArray(F, x, i), y, off + i, scale, zero, unsigned);
        }
        for (; i < n; i++) y.set(ValueLayout.JAVA_BYTE, off + i, quantizeOne(x[i], scale, zero, unsigned));
    }

    /** One vector of codes from byte {@code off} of {@code q}, dequantized: {@code (q - zero) * scale}. */
    static FloatVector dequantizeVector(MemorySegment q, long off, float scale, int zero, boolean unsigned) {
        IntVector v = (IntVector) ByteVector.fromMemorySegment(B, q, off, NATIVE).convertShape(VectorOperators.B2I, I, 0);
        if (unsigned) v = v.and(0xff);
        return ((FloatVector) v.convertShape(VectorOperators.I2F, F, 0)).sub((float) zero).mul(scale);
    }

    /**
     * One vector quantized to codes at byte {@code off} of {@code y}: {@code x / scale} rounded half to even, the zero
     * point added, saturated, NaN to code 0, as {@link #quantizeOne} computes each.
     */
    static void quantizeVector(FloatVector x, MemorySegment y, long off, float scale, int zero, boolean unsigned) {
        int lo = unsigned ? 0 : -128, hi = unsigned ? 255 : 127;
        FloatVector q = x.div(scale);
        VectorMask<Float> nan = q.test(VectorOperators.IS_NAN);
        // clamped a step beyond the range first, so that the rounding trick's bound holds
        q = q.max(lo - zero - 1f).min(hi - zero + 1f).add(ROUNDER).sub(ROUNDER).add((float) zero).max((float) lo)
                .min((float) hi).blend(0f, nan);
        q.convertShape(VectorOperators.F2B, B, 0).reinterpretAsBytes().intoMemorySegment(y, off, NATIVE);
    }

    /** One float quantized to a code: {@code saturate(rint(x / scale) + zero)}, NaN to code 0. */
    static byte quantizeOne(float x, float scale, int zero, boolean unsigned) {
        int lo = unsigned ? 0 : -128, hi = unsigned ? 255 : 127;
        float q = x / scale;
        if (Float.isNaN(q)) return 0;
        double r = Math.rint(q) + zero;
        return (byte) (r <= lo ? lo : r >= hi ? hi : (int) r);
    }
}
