package io.jengine.cpu.simd.ops;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;

/**
 * QuantizeLinear then DequantizeLinear in one vector expression, exactly as {@link LinearQuantize} computes each:
 * {@code x / scale} as a float division, rounded half to even, the zero point added, saturated to the code range (NaN
 * to code 0), then {@code (q - zp) * scale} with one rounding. What a QDQ graph computes wherever its quantized
 * values run in float, fused into elementwise chains instead of a pass each way through a byte tensor.
 */
final class FakeQuantize {
    /** 1.5 * 2^23, the rounding trick of {@link LinearQuantize}. */
    private static final float ROUNDER = 12582912f;

    private FakeQuantize() {}

    static FloatVector vector(FloatVector x, float scale, int zero, int lo, int hi) {
        FloatVector q = x.div(scale);
        VectorMask<Float> nan = q.test(VectorOperators.IS_NAN);
        // clamped a step beyond the range first, so that the rounding trick's bound holds
        q = q.max(lo - zero - 1f).min(hi - zero + 1f).add(ROUNDER).sub(ROUNDER).add((float) zero).max((float) lo)
                .min((float) hi).blend(0f, nan);
        return q.sub((float) zero).mul(scale);
    }
}
