package io.jengine.cpu.simd;

/**
 * What the GEMM does to each result as it stores it, in one pass: {@code v = alpha * sum}, plus the row bias of its
 * row, plus the column bias of its column, plus {@code residualScale} times the residual element, then the
 * activation. This is the reference's order for FusedConv (bias, residual, activation), FusedGemm and FusedMatMul;
 * ONNX Gemm's {@code alpha * A * B + beta * C} is alpha here and C as a bias pre-multiplied by beta (a vector C) or
 * as the residual with {@code residualScale = beta} (a full matrix C).
 *
 * @param alpha         scale of the product
 * @param rowBias       one value per row of C (a convolution's per-output-channel bias), or null
 * @param columnBias    one value per column of C (Gemm / MatMul bias), or null
 * @param residual      a matrix of C's shape added element by element, or null
 * @param residualScale scale of the residual
 * @param activation    applied last
 */
public record Epilogue(float alpha, float[] rowBias, float[] columnBias, Matrix residual, float residualScale,
        Activation activation) {
    public static final Epilogue NONE = new Epilogue(1f, null, null, null, 1f, Activation.NONE);

    public Epilogue {
        if (activation == null) throw new IllegalArgumentException("activation is null; use Activation.NONE");
    }

    /** Only an activation. */
    public static Epilogue of(Activation activation) { return NONE.withActivation(activation); }

    public Epilogue withAlpha(float a) { return new Epilogue(a, rowBias, columnBias, residual, residualScale, activation); }
    public Epilogue withRowBias(float[] b) { return new Epilogue(alpha, b, columnBias, residual, residualScale, activation); }
    public Epilogue withColumnBias(float[] b) { return new Epilogue(alpha, rowBias, b, residual, residualScale, activation); }
    public Epilogue withResidual(Matrix r, float scale) { return new Epilogue(alpha, rowBias, columnBias, r, scale, activation); }
    public Epilogue withActivation(Activation act) { return new Epilogue(alpha, rowBias, columnBias, residual, residualScale, act); }

    /** Checks the bias lengths and residual shape against an {@code m x n} result. */
    void checkFor(int m, int n) {
        if (rowBias != null && rowBias.length < m) {
            throw new IllegalArgumentException("row bias has " + rowBias.length + " values, C has " + m + " rows");
        }
        if (columnBias != null && columnBias.length < n) {
            throw new IllegalArgumentException("column bias has " + columnBias.length + " values, C has " + n + " columns");
        }
        if (residual != null && residual.transposed()) {
            throw new IllegalArgumentException("residual must be a row-major view, got a transposed one");
        }
        if (residual != null && (residual.rows() != m || residual.cols() != n)) {
            throw new IllegalArgumentException("residual is " + residual.rows() + " x " + residual.cols() + ", C is "
                    + m + " x " + n);
        }
    }
}
