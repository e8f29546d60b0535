package io.jengine.verify;

import io.jengine.tensor.DType;

/**
 * The one tolerance policy of the project: how far a computed element may be from a reference element and still
 * count as equal, per element type. An element passes when {@code |got - want| <= atol + rtol * |want|}; NaN must
 * meet NaN and an infinity the same infinity, whatever the tolerance.
 *
 * <p>Derivation. float32 and float64 start from ONNX's own backend-test defaults (rtol 1e-3, atol 1e-7): the
 * references are computed in float32 by numpy while the reference kernels accumulate in double, so results differ by
 * rounding, far below 1e-3 relative. float16 carries 11 significant bits (unit roundoff 4.9e-4), so one rounding
 * step is within rtol 1e-3 but a rounding step on an intermediate is not: rtol 2e-3 allows one ulp either way, atol
 * 1e-5 covers values that underflow to subnormals. bfloat16 carries 8 bits (unit roundoff 3.9e-3): rtol 1e-2 is
 * roughly one ulp. Integers, bool and strings must match exactly. Model-level comparisons (many layers deep) use
 * {@link #MODEL} instead.
 */
public record Tolerance(double rtol, double atol) {
    /** Exact equality: integers, bool, strings. */
    public static final Tolerance EXACT = new Tolerance(0, 0);
    public static final Tolerance FLOAT32 = new Tolerance(1e-3, 1e-7);
    public static final Tolerance FLOAT64 = new Tolerance(1e-3, 1e-7);
    public static final Tolerance FLOAT16 = new Tolerance(2e-3, 1e-5);
    public static final Tolerance BFLOAT16 = new Tolerance(1e-2, 1e-4);
    /**
     * Whole models against ONNX Runtime's outputs (the zoo): rtol 1e-3, atol 1e-4, since summation order differs
     * across dozens of layers and logits near zero carry absolute, not relative, error.
     */
    public static final Tolerance MODEL = new Tolerance(1e-3, 1e-4);

    /**
     * A fast float32 kernel against the reference, for an element that is a sum of {@code terms} products whose
     * absolute values add up to {@code magnitude} (a GEMM or convolution output: {@code sum |a_k * b_k|}).
     *
     * <p>Derivation. Summing n float32 terms in any order is off by at most {@code gamma_n * sum|terms|} with
     * {@code gamma_n ~ n * u}, u = 2^-24 (Higham, Accuracy and Stability of Numerical Algorithms, 3.1); the products
     * add one rounding each, and the store one more, so {@code (terms + 2) * u * magnitude} bounds any summation
     * order, blocking or FMA use, while the reference accumulates in double. This matters where outputs cancel to
     * near zero: a relative bound alone would reject a correct kernel there. FLOAT32's rtol is kept on top.
     * Activations applied after the sum are 1-Lipschitz or less (Gelu and SiLU: ~1.1), covered by the rtol margin.
     */
    public static Tolerance float32Sum(long terms, double magnitude) {
        return new Tolerance(FLOAT32.rtol, FLOAT32.atol + (terms + 2) * 0x1p-24 * magnitude);
    }

    /**
     * As {@link #float32Sum} for a kernel allowed bfloat16 products (oneDNN's, {@code --bf16}): both operands of each
     * product rounded to bfloat16 first, the sum accumulated in float32.
     *
     * <p>Derivation. Rounding each operand to 8 significant bits changes it by at most u = 2^-8 relative, so a product
     * by at most about 2u, and the sum by {@code 2u * magnitude} on top of float32's accumulation bound. A bfloat16
     * output adds one rounding of the result, within {@link #BFLOAT16}'s rtol, which is kept.
     */
    public static Tolerance bfloat16Products(long terms, double magnitude) {
        return new Tolerance(BFLOAT16.rtol, BFLOAT16.atol + (2 * 0x1p-8 + (terms + 2) * 0x1p-24) * magnitude);
    }

    public static Tolerance forDType(DType t) {
        return switch (t) {
            case FLOAT32 -> FLOAT32;
            case FLOAT64 -> FLOAT64;
            case FLOAT16 -> FLOAT16;
            case BFLOAT16 -> BFLOAT16;
            default -> EXACT;
        };
    }

    /** Whether {@code got} is within this tolerance of {@code want}; NaN and infinities must match exactly. */
    public boolean accepts(double want, double got) {
        if (Double.isNaN(want) || Double.isNaN(got)) return Double.isNaN(want) && Double.isNaN(got);
        if (Double.isInfinite(want) || Double.isInfinite(got)) return want == got;
        return Math.abs(got - want) <= atol + rtol * Math.abs(want);
    }
}
