package io.jengine.cpu.nativelib;

import java.lang.foreign.MemorySegment;
import java.util.List;

/**
 * An integer product {@code [m, k] x [k, n]} on row-major memory, through oneDNN's int8 matmul where it has a direct
 * kernel, else as the same product written as a 1x1 convolution on channels-last memory: A's rows are the pixels of an
 * {@code [1, m, 1, k]} NHWC image (the same bytes), B transposed is the {@code [n, k, 1, 1]} weights and the output
 * {@code [1, m, 1, n]} NHWC is the product's rows. Without VNNI oneDNN offers only GEMM-driven or reference int8
 * matmuls, but its int8 1x1 convolution kernel ({@code jit_uni_int8_1x1}) runs on AVX2; the arithmetic (int32 sums,
 * float32 scaling and requantization) is the same.
 */
final class DnnlIntegerMatMul implements AutoCloseable {
    private final DnnlMatMul matmul;
    private final DnnlConv2d conv;

    private DnnlIntegerMatMul(DnnlMatMul matmul, DnnlConv2d conv) {
        this.matmul = matmul;
        this.conv = conv;
    }

    /**
     * Prepares the product; {@code q}'s weights are B {@code [k, n]} row-major and its weights mask 2 (per column).
     *
     * @throws UnsupportedOperationException where oneDNN has neither a direct matmul nor a direct 1x1 convolution
     * @throws NativeCallException where oneDNN refuses both
     */
    static DnnlIntegerMatMul prepare(int m, int k, int n, DnnlQuantization q, float[] bias, List<DnnlPostOp> postOps,
                                     int threads) {
        try {
            return new DnnlIntegerMatMul(DnnlMatMul.prepareQuantized(m, k, n, q, bias, postOps, threads), null);
        } catch (UnsupportedOperationException | NativeCallException noDirectMatMul) {
            byte[] b = q.weights(), transposed = new byte[b.length];
            for (int p = 0; p < k; p++) for (int j = 0; j < n; j++) transposed[j * k + p] = b[p * n + j];
            DnnlQuantization convQ = new DnnlQuantization(q.srcType(), q.dstType(), transposed, q.srcScale(),
                    q.weightScales(), 1, q.dstScale(), q.srcZero(), q.dstZero());
            ConvParams p = new ConvParams(1, k, m, 1, n, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 1);
            return new DnnlIntegerMatMul(null,
                    DnnlConv2d.prepareQuantizedBlocked(p, convQ, bias, postOps, threads, 0, true));
        }
    }

    /** Computes c ({@code [m, n]} of the destination type) from a ({@code [m, k]} of the source type). */
    void run(MemorySegment a, MemorySegment c) {
        if (matmul != null) matmul.run(a, c, null);
        else conv.run(a, c, null);
    }

    /** The implementation oneDNN chose, e.g. {@code brg_matmul:avx512_core_vnni} or {@code jit_uni_int8_1x1:avx2}. */
    String implementation() {
        return matmul != null ? matmul.implementation() : conv.implementation();
    }

    @Override
    public void close() {
        if (matmul != null) matmul.close();
        else conv.close();
    }
}
