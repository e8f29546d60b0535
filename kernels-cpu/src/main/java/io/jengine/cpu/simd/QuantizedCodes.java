package io.jengine.cpu.simd;

import io.jengine.cpu.simd.ops.LinearQuantize;
import io.jengine.tensor.DType;
import io.jengine.tensor.Tensor;
import java.lang.foreign.MemorySegment;

/**
 * A per-tensor quantized operand of an integer layer cpu-simd computes in float ({@link QuantizedConvTactics},
 * {@link QuantizedMatMulTactics}): uint8 or int8 codes, one scale, one zero point. Its conversions are
 * DequantizeLinear's and QuantizeLinear's ({@link LinearQuantize}: the float32 quotient rounded half to even,
 * saturated, NaN becoming 0), the rule the reference kernels requantize by, so every fallback requantizes the same way.
 */
record QuantizedCodes(DType type, float scale, int zero) {
    /** The operand's codes, or null where they are not per-tensor uint8 / int8 with a positive finite scale. */
    static QuantizedCodes of(DType type, Tensor scale, Tensor zero) {
        if (type != DType.UINT8 && type != DType.INT8) return null;
        if (scale == null || scale.size() != 1 || scale.dtype() != DType.FLOAT32 || zero == null || zero.size() != 1
                || zero.dtype() != type) {
            return null;
        }
        float s = scale.getFloat(0);
        return s > 0 && Float.isFinite(s) ? new QuantizedCodes(type, s, (int) zero.getLong(0)) : null;
    }

    boolean unsigned() { return type == DType.UINT8; }

    /** {@code values[i] = (codes[i] - zero) * scale} for {@code n} elements. */
    void dequantize(MemorySegment codes, MemorySegment values, long n, int threads) {
        LinearQuantize.dequantize(codes, values, n, scale, zero, unsigned(), threads);
    }

    /** {@code codes[i] = saturate(rint(values[i] / scale) + zero)} for {@code n} elements. */
    void quantize(MemorySegment values, MemorySegment codes, long n, int threads) {
        LinearQuantize.quantize(values, codes, n, scale, zero, unsigned(), threads);
    }
}
