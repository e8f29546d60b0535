package io.jengine.cpu.nativelib;

/**
 * The arguments of a row-major single-precision GEMM, {@code C := alpha * op(A) * op(B) + beta * C} with op(A)
 * M x K, op(B) K x N and C M x N, checked on construction. A non-transposed A is stored M x K (so {@code lda >= K}), a
 * transposed one K x M ({@code lda >= M}); likewise B is K x N or N x K; C is M x N with {@code ldc >= N}.
 */
public record SgemmShape(boolean transA, boolean transB, int m, int n, int k, int lda, int ldb, int ldc, float alpha,
                         float beta) {

    public SgemmShape {
        SegmentChecks.nonNegative("M", m);
        SegmentChecks.nonNegative("N", n);
        SegmentChecks.nonNegative("K", k);
        checkLd("lda", lda, transA ? m : k, transA ? "M for a transposed A (stored K x M)"
                : "K for a non-transposed A (stored M x K)");
        checkLd("ldb", ldb, transB ? k : n, transB ? "K for a transposed B (stored N x K)"
                : "N for a non-transposed B (stored K x N)");
        checkLd("ldc", ldc, n, "N for C (M x N)");
    }

    /** Contiguous, untransposed A (M x K), B (K x N) and C (M x N), alpha 1 and beta 0: {@code C = A * B}. */
    public static SgemmShape packed(int m, int n, int k) {
        return new SgemmShape(false, false, m, n, k, Math.max(1, k), Math.max(1, n), Math.max(1, n), 1f, 0f);
    }

    /** Floats of A the call reads from A's first element: {@code (rows - 1) * lda + cols}, or 0 when A is empty. */
    public long aElements() {
        return extent(transA ? k : m, transA ? m : k, lda);
    }

    public long bElements() {
        return extent(transB ? n : k, transB ? k : n, ldb);
    }

    public long cElements() {
        return extent(m, n, ldc);
    }

    /** Multiply-adds counted twice: the usual GFLOP/s numerator. */
    public double flops() {
        return 2.0 * m * n * k;
    }

    private static long extent(long rows, long cols, long ld) {
        return rows == 0 || cols == 0 ? 0 : (rows - 1) * ld + cols;
    }

    private static void checkLd(String name, int ld, int cols, String why) {
        int min = Math.max(1, cols);
        if (ld < min) throw new IllegalArgumentException(name + " must be >= " + min + " (" + why + "), got " + ld);
    }
}
