package io.jengine.cpu.simd;

import java.util.function.IntFunction;

/**
 * A batch of {@code problems} products of the same shape, {@code C_q[m, n] = epilogue(A_q[m, k] * B_q[k, n])}: one for
 * a plain GEMM, one per (image, group) for a convolution. The operands say how their blocks are packed; each
 * problem's {@link TileWriter} knows where its C, bias and residual are.
 */
record GemmJob(int m, int n, int k, int problems, Blocking blocking, PanelSource a, PanelSource b,
        IntFunction<TileWriter> writers) {
    GemmJob {
        if (a.width != blocking.mr() || b.width != blocking.nr()) {
            throw new IllegalStateException("operand panels " + a.width + " / " + b.width + " do not match the blocking");
        }
    }
}
