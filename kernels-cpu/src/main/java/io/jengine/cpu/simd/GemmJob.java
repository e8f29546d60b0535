package io.jengine.cpu.simd;

import java.util.function.IntConsumer;

/**
 * A batch of {@code problems} products of the same shape, {@code C_q[m, n] = epilogue(A_q[m, k] * B_q[k, n])}: one for
 * a plain GEMM, one per (image, group) for a convolution. The operands say how their blocks are packed; the
 * {@link TileWriter} knows where each problem's C, bias and residual are. A job is filled in by the calling thread
 * (each thread reuses its own, in {@link GemmScratch}), then only read while its tiles run; as an {@link IntConsumer}
 * it runs tile {@code t} of its grid.
 */
final class GemmJob implements IntConsumer {
    int m, n, k, problems;
    Blocking blocking;
    PanelSource a, b;
    TileWriter writer;
    TileGrid grid;

    GemmJob set(int m, int n, int k, int problems, Blocking blocking, PanelSource a, PanelSource b, TileWriter writer) {
        if (a.width != blocking.mr() || b.width != blocking.nr()) {
            throw new IllegalStateException("operand panels " + a.width + " / " + b.width + " do not match the blocking");
        }
        this.m = m;
        this.n = n;
        this.k = k;
        this.problems = problems;
        this.blocking = blocking;
        this.a = a;
        this.b = b;
        this.writer = writer;
        this.grid = null;
        return this;
    }

    /** Drops the references to the operands and C, once the product is done. */
    void clear() {
        if (a != null) a.release();
        if (b != null) b.release();
        a = null;
        b = null;
        grid = null;
        if (writer != null) writer.unbind();
        writer = null;
    }

    @Override
    public void accept(int task) { GemmDriver.runTile(this, task); }
}
