package io.jengine.cpu.nativelib;

import io.jengine.spi.KernelContext;
import io.jengine.tensor.Tensor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Bounds a convolution's result before its activation from bounds on its input and residual
 * ({@link KernelContext#inputBound}): each output is at most {@code |x|max * gain + |bias|max + |residual|max} in
 * magnitude, {@code gain} being the largest sum of |w| over one output channel's weights. Where that stays far below
 * the float range, no sum inside the convolution can overflow, so with finite inputs no NaN can arise: oneDNN's Relu
 * and Clip post-ops, which turn a NaN into 0 where the reference keeps it, then give exactly the reference's values.
 *
 * @param gain the largest sum of |w| over one output channel (infinite or NaN where a weight is not finite)
 * @param bias the largest |bias| (0 without one; NaN where one is NaN)
 */
record ConvBound(double gain, double bias) {
    /**
     * Bounds under this are declared and allow the fused activation: a margin of 16 over the float range covers the
     * rounding of every partial sum (each within a relative n * 2^-24 of the exact sum of magnitudes) many times.
     */
    static final double LIMIT = Float.MAX_VALUE / 16.0;

    /** The gain and bias of weights {@code [outC, ...]} (native or heap floats) and {@code bias} (or null). */
    static ConvBound of(MemorySegment weights, int outC, float[] bias) {
        long perChannel = weights.byteSize() / Float.BYTES / outC;
        double gain = 0;
        for (int o = 0; o < outC; o++) {
            double sum = 0;
            for (long i = o * perChannel, end = i + perChannel; i < end; i++) {
                sum += Math.abs(weights.getAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, i));
            }
            gain = Math.max(gain, sum); // Math.max keeps a NaN
        }
        double b = 0;
        if (bias != null) for (float v : bias) b = Math.max(b, Math.abs(v));
        return new ConvBound(gain, b);
    }

    /**
     * {@link #of(MemorySegment, int, float[])} of a constant weight tensor; inside a kernel's preparation a packed
     * part ({@link Packing}), so that a plan stores the two figures and loading does not read every weight again.
     */
    static ConvBound of(Tensor weights, int outC, float[] bias) {
        Packing packing = Packing.current();
        if (packing == null) return of(NativeBackend.weights(weights), outC, bias);
        String name = packing.nextName(PART);
        MemorySegment stored = packing.stored(name, FORM, 2L * Double.BYTES);
        ConvBound b = stored != null
                ? new ConvBound(stored.get(LE_DOUBLE, 0),
                        stored.get(LE_DOUBLE, Double.BYTES))
                : of(NativeBackend.weights(weights), outC, bias);
        MemorySegment bytes = stored;
        if (bytes == null) {
            bytes = java.lang.foreign.Arena.ofAuto().allocate(2L * Double.BYTES, Double.BYTES);
            bytes.set(LE_DOUBLE, 0, b.gain());
            bytes.set(LE_DOUBLE, Double.BYTES, b.bias());
            packing.share(name, FORM, bytes); // GC-managed memory: the engine's store may keep it
        }
        packing.made(name, FORM, bytes);
        return b;
    }

    private static final ValueLayout.OfDouble LE_DOUBLE =
            ValueLayout.JAVA_DOUBLE_UNALIGNED.withOrder(java.nio.ByteOrder.LITTLE_ENDIAN);

    /** The packed part's name and form: two little-endian doubles, gain then bias. */
    static final String PART = "conv.bound", FORM = "gain and bias as float64, v1";

    /**
     * The bound on the result before the activation for inputs bounded by {@code x} and a residual bounded by
     * {@code residual} (0 without one), scaled by {@code slack}; NaN where a bound is unknown or the result would not
     * stay under {@link #LIMIT}.
     */
    double of(float x, float residual, double slack) {
        double b = slack * (x * gain + bias) + residual; // NaN in, NaN out
        return b < LIMIT ? b : Double.NaN;
    }

    /** {@link #of(float, float, double)} for this run's input 0 and, where {@code residualInput} ≥ 0, that input. */
    double of(KernelContext ctx, int residualInput, double slack) {
        return of(ctx.inputBound(0), residualInput < 0 ? 0f : ctx.inputBound(residualInput), slack);
    }
}
