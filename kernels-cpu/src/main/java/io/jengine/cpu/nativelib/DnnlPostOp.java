package io.jengine.cpu.nativelib;

/**
 * An operation oneDNN fuses after a primitive's result, applied in list order: an element-wise function, or the sum
 * that adds what the destination held before the call (a residual connection).
 */
public sealed interface DnnlPostOp {

    /** {@code dst := result + scale * dst_before}. */
    record Sum(float scale) implements DnnlPostOp {}

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
