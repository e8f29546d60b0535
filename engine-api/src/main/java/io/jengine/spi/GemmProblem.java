package io.jengine.spi;

/**
 * The matrix products a GEMM-based tactic computes: {@code batch} products {@code C[m, n] = A[m, k] * B[k, n]} (one
 * per image and group for a convolution). The operand packed at plan time (weights) costs nothing per run; the other
 * is packed per run, {@code packCost} times the work of copying it once (1 for a plain matrix, more for an im2col
 * gather).
 */
public record GemmProblem(int m, int n, int k, int batch, boolean aPrepacked, boolean bPrepacked, double packCost) {
    public GemmProblem {
        if (m < 1 || n < 1 || k < 1 || batch < 1 || !(packCost >= 0)) {
            throw new IllegalArgumentException("a GEMM problem needs positive m, n, k, batch, got " + m + ", " + n + ", "
                    + k + ", " + batch + " (pack cost " + packCost + ")");
        }
    }

    /** Multiply-adds times two: the FLOPs of the products as stated, before any tile padding. */
    public double flops() { return 2.0 * m * n * k * batch; }

    /** The compulsory traffic: every float32 operand read once and the result written once. */
    public double bytes() { return 4.0 * batch * ((double) m * k + (double) k * n + (double) m * n); }
}
