package com.example.jengine;

import io.jengine.spi.IntraOpPool;
import io.jengine.spi.Kernel;
import io.jengine.spi.KernelContext;
import io.jengine.tensor.DType;
import io.jengine.tensor.Tensor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@code Y = A × B} for float32 A of shape [..., M, K] and a constant block-sparse B (K×N, {@link BlockSparseWeights}):
 * each output vector of a row is the FMA of the stored blocks of its column block with A's entries at their rows, in
 * ascending k as the dense reference sums. Column blocks are split among the run's threads, so each thread reads all
 * of A (small) and its own share of B, and every output element is summed in the same order whatever the thread count.
 *
 * <p>Skipping B's zeros is exact for finite A. Where a row of A holds NaN or an infinity, the dense product has NaN in
 * every column whose weight at that k is zero (NaN × 0, ∞ × 0); those columns are set to NaN after the row is summed,
 * so that the result is the dense product's, NaN and infinities included.
 */
final class BlockSparseMatMul implements Kernel {
    static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private final BlockSparseWeights w;
    private final Tensor dense;

    BlockSparseMatMul(Tensor b) {
        this.w = BlockSparseWeights.of(b, F.length());
        this.dense = b;
    }

    @Override
    public void run(KernelContext ctx) {
        Tensor a = ctx.tensor(0);
        if (a.dtype() != DType.FLOAT32) throw new IllegalArgumentException("this tactic runs float32, got " + a.dtype());
        long[] as = a.shape();
        if (as.length < 2 || as[as.length - 1] != w.k) {
            throw new IllegalArgumentException("input 0 must be [..., M, " + w.k + "], got " + java.util.Arrays.toString(as));
        }
        long[] ys = as.clone();
        ys[ys.length - 1] = w.n;
        Tensor y = ctx.output(0, DType.FLOAT32, ys);
        int m = Math.toIntExact(a.size() / w.k);
        MemorySegment in = a.data(), out = y.data();
        int tasks = Math.max(1, Math.min(ctx.threads(), w.blocks));
        if (tasks == 1) {
            blocks(in, out, m, 0, w.blocks);
        } else {
            int per = (w.blocks + tasks - 1) / tasks;
            IntraOpPool.shared().parallelFor(ctx.threads(), tasks,
                    t -> blocks(in, out, m, Math.min(w.blocks, t * per), Math.min(w.blocks, (t + 1) * per)));
        }
        nonFinite(in, out, m);
    }

    private void blocks(MemorySegment a, MemorySegment y, int m, int fromBlock, int toBlock) {
        int width = w.width;
        float[] tail = new float[width];
        for (int b = fromBlock; b < toBlock; b++) {
            int first = w.start[b], last = w.start[b + 1];
            int col = b * width;
            boolean whole = col + width <= w.n;
            for (int i = 0; i < m; i++) {
                long row = (long) i * w.k;
                FloatVector acc = FloatVector.zero(F);
                for (int r = first; r < last; r++) {
                    float av = a.getAtIndex(FLOAT, row + w.rows[r]);
                    acc = FloatVector.fromArray(F, w.values, r * width).fma(FloatVector.broadcast(F, av), acc);
                }
                long at = (long) i * w.n + col;
                if (whole) {
                    acc.intoMemorySegment(y, at * 4, ByteOrder.LITTLE_ENDIAN);
                } else {
                    acc.intoArray(tail, 0);
                    for (int c = 0; col + c < w.n; c++) y.setAtIndex(FLOAT, at + c, tail[c]);
                }
            }
        }
    }

    /** Rows of A with NaN or ±∞: NaN wherever the dense sum would meet them against a zero weight. */
    private void nonFinite(MemorySegment a, MemorySegment y, int m) {
        for (int i = 0; i < m; i++) {
            long row = (long) i * w.k;
            for (int kk = 0; kk < w.k; kk++) {
                if (Float.isFinite(a.getAtIndex(FLOAT, row + kk))) continue;
                long wrow = (long) kk * w.n;
                for (int j = 0; j < w.n; j++) {
                    if (dense.data().getAtIndex(FLOAT, wrow + j) == 0f) y.setAtIndex(FLOAT, (long) i * w.n + j, Float.NaN);
                }
            }
        }
    }
}
