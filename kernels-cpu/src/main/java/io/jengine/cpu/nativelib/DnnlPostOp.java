package io.jengine.cpu.nativelib;

/**
 * An operation oneDNN fuses after a primitive's result, applied in list order: an element-wise function, or the sum
 * that adds what the destination held before the call (a residual connection).
 */
public sealed interface DnnlPostOp {

    /**
     * {@code dst := result + scale * (dst_before - zeroPoint)}, {@code dst_before} read as {@code dataType} (one of
     * oneDNN's types, of the destination's size): a float residual, or integer residual codes in an integer
     * destination's bytes, dequantized by the scale and zero point.
     */
    record Sum(float scale, int zeroPoint, int dataType) implements DnnlPostOp {
        public Sum(float scale) { this(scale, 0, Dnnl.dnnl_f32); }

        /** Whether the residual is integer codes (one byte each) rather than floats. */
        boolean integer() { return dataType == Dnnl.dnnl_u8 || dataType == Dnnl.dnnl_s8; }
    }

    /** {@code dst := kind(result; alpha, beta)}. */
    record Eltwise(DnnlEltwise kind, float alpha, float beta) implements DnnlPostOp {
        public Eltwise {
            if (kind == null) throw new IllegalArgumentException("eltwise kind is null");
        }
    }

    static DnnlPostOp sum() {
        return new Sum(1f);
    }

    static DnnlPostOp relu() {
        return new Eltwise(DnnlEltwise.RELU, 0f, 0f);
    }

    static DnnlPostOp leakyRelu(float alpha) {
        return new Eltwise(DnnlEltwise.RELU, alpha, 0f);
    }

    static DnnlPostOp clip(float min, float max) {
        return new Eltwise(DnnlEltwise.CLIP, min, max);
    }
}
