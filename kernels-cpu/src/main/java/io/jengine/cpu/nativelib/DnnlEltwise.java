package io.jengine.cpu.nativelib;

/**
 * oneDNN's element-wise algorithms usable as a post-op, with the meaning of their alpha and beta
 * (dnnl_types.h, {@code dnnl_alg_kind_t}).
 *
 * <p>NaN: oneDNN's JIT kernels compute {@link #RELU} with alpha 0 and {@link #CLIP} with max/min instructions, which
 * return the non-NaN operand, so a NaN comes out as 0 (relu) or as alpha (clip); its reference kernels keep it. The
 * project's reference activations keep NaN, so a tactic fusing these must accept that difference (measured on an
 * AVX2 machine by {@code DnnlMatMulTest}).
 */
public enum DnnlEltwise {
    /** {@code x > 0 ? x : alpha * x}: Relu with alpha 0 (NaN may become 0, see above), LeakyRelu otherwise. */
    RELU(Dnnl.dnnl_eltwise_relu),
    /** {@code min(max(x, alpha), beta)} (NaN may become alpha, see above). */
    CLIP(Dnnl.dnnl_eltwise_clip),
    TANH(Dnnl.dnnl_eltwise_tanh),
    /** {@code x > 0 ? x : alpha * (e^x - 1)}. */
    ELU(Dnnl.dnnl_eltwise_elu),
    ABS(Dnnl.dnnl_eltwise_abs),
    SQRT(Dnnl.dnnl_eltwise_sqrt),
    /** {@code alpha * x + beta}. */
    LINEAR(Dnnl.dnnl_eltwise_linear),
    /** Softplus scaled by alpha: {@code log(1 + e^(alpha x)) / alpha}. */
    SOFT_RELU(Dnnl.dnnl_eltwise_soft_relu),
    /** {@code max(0, min(1, alpha * x + beta))}. */
    HARDSIGMOID(Dnnl.dnnl_eltwise_hardsigmoid),
    /** Sigmoid. */
    LOGISTIC(Dnnl.dnnl_eltwise_logistic),
    EXP(Dnnl.dnnl_eltwise_exp),
    GELU_TANH(Dnnl.dnnl_eltwise_gelu_tanh),
    /** {@code x * sigmoid(alpha * x)}: SiLU with alpha 1. */
    SWISH(Dnnl.dnnl_eltwise_swish),
    LOG(Dnnl.dnnl_eltwise_log),
    GELU_ERF(Dnnl.dnnl_eltwise_gelu_erf),
    /** {@code x * max(0, min(1, alpha * x + beta))}: HardSwish with alpha 1/6, beta 1/2. */
    HARDSWISH(Dnnl.dnnl_eltwise_hardswish);

    /** The {@code dnnl_alg_kind_t} value. */
    public final int algKind;

    DnnlEltwise(int algKind) {
        this.algKind = algKind;
    }
}
