package com.example.jengine;

import io.jengine.tensor.Tensor;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * A constant K×N weight matrix stored as the 1×L blocks of each row that hold a non-zero, L the vector width: for
 * each block of L output columns, the rows k that touch it, ascending, and their L values (zero-padded past N). A
 * block-sparse GEMM then costs in proportion to the stored blocks, each a whole-vector FMA, which is how sparse
 * inference kernels (TVM's BSR dense, oneDNN's sparse matmul) keep vector units busy where element-sparse ones cannot.
 */
final class BlockSparseWeights {
    private static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    final int k;
    final int n;
    /** The block width: the vector length in floats. */
    final int width;
    /** Blocks of columns: ceil(n / width). */
    final int blocks;
    /** Block b's rows are {@code rows[start[b]] .. rows[start[b + 1] - 1]}. */
    final int[] start;
    final int[] rows;
    /** {@code width} values per stored row, in the order of {@link #rows}. */
    final float[] values;

    private BlockSparseWeights(int k, int n, int width, int[] start, int[] rows, float[] values) {
        this.k = k;
        this.n = n;
        this.width = width;
        this.blocks = start.length - 1;
        this.start = start;
        this.rows = rows;
        this.values = values;
    }

    /** The stored blocks of {@code b} (float32, K×N); NaN and infinities count as non-zero. */
    static BlockSparseWeights of(Tensor b, int width) {
        int k = Math.toIntExact(b.dim(0)), n = Math.toIntExact(b.dim(1));
        int blocks = (n + width - 1) / width;
        int[] start = new int[blocks + 1];
        int stored = 0;
        for (int blk = 0; blk < blocks; blk++) {
            start[blk] = stored;
            for (int r = 0; r < k; r++) if (touches(b, r, blk, n, width)) stored++;
        }
        start[blocks] = stored;
        int[] rows = new int[stored];
        float[] values = new float[Math.multiplyExact(stored, width)];
        int s = 0;
        for (int blk = 0; blk < blocks; blk++) {
            for (int r = 0; r < k; r++) {
                if (!touches(b, r, blk, n, width)) continue;
                rows[s] = r;
                for (int c = 0; c < width && blk * width + c < n; c++) {
                    values[s * width + c] = b.data().getAtIndex(FLOAT, (long) r * n + blk * width + c);
                }
                s++;
            }
        }
        return new BlockSparseWeights(k, n, width, start, rows, values);
    }

    /** The share of the K × blocks row-blocks that are stored: what the sparse product costs against a dense one. */
    static double blockDensity(Tensor b, int width) {
        int k = Math.toIntExact(b.dim(0)), n = Math.toIntExact(b.dim(1));
        int blocks = (n + width - 1) / width;
        long stored = 0;
        for (int blk = 0; blk < blocks; blk++) for (int r = 0; r < k; r++) if (touches(b, r, blk, n, width)) stored++;
        return (double) stored / ((long) k * blocks);
    }

    int storedRows() { return rows.length; }

    private static boolean touches(Tensor b, int r, int blk, int n, int width) {
        long base = (long) r * n + (long) blk * width;
        for (int c = 0; c < width && blk * width + c < n; c++) {
            if (b.data().getAtIndex(FLOAT, base + c) != 0f || Float.isNaN(b.data().getAtIndex(FLOAT, base + c))) return true;
        }
        return false;
    }
}
