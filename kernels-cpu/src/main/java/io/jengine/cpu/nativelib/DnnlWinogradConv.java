package io.jengine.cpu.nativelib;

import io.jengine.cpu.simd.conv.BlockedWinograd;
import java.lang.foreign.MemorySegment;

/**
 * A 3x3 stride-1 convolution on the level-3 layouts by Winograd's algorithm: the tile transforms in the engine's
 * vector code ({@link BlockedWinograd}), the alpha^2 products between them as one batched oneDNN matmul against the
 * transformed weights (reordered once into the layout its brgemm kernel wants). F(4x4, 3x3) needs a quarter of a
 * direct convolution's multiplications, and on AVX2, where oneDNN has no Winograd convolution of its own, that
 * beats its direct kernels on the dense 3x3 layers of a ResNet.
 *
 * <p>The tiles go in chunks sized so that the transformed tiles and products (the calling thread's
 * {@link NativeScratch#workspace}) stay within a few MiB; most layers are one chunk. As for the other primitives the
 * matmul's thread count is fixed at prepare time; the transforms run on the count each call passes.
 */
final class DnnlWinogradConv implements AutoCloseable {
    /** Workspace per chunk at most (transformed tiles and products together). */
    private static final long CHUNK_BYTES = 8L << 20;
    /** Chunks are a multiple of this many tiles (brgemm's row blocking). */
    private static final int ROW_MULTIPLE = 16;

    private final BlockedWinograd transforms;
    private final DnnlMatMul products;
    private final int rows;
    private final long vBytes, mBytes;

    private DnnlWinogradConv(BlockedWinograd transforms, DnnlMatMul products, int rows) {
        this.transforms = transforms;
        this.products = products;
        this.rows = rows;
        this.vBytes = 4L * transforms.positions() * rows * transforms.params().inC();
        this.mBytes = 4L * transforms.positions() * rows * transforms.params().outC();
    }

    /**
     * Transforms the weights ({@code [outC, inC, 3, 3]}) and creates the matmul for {@code threads} threads.
     *
     * @throws UnsupportedOperationException where oneDNN has only its GEMM-driven matmul for the products
     */
    static DnnlWinogradConv prepare(BlockedWinograd t, float[] weights, int threads) {
        int rows = chunkRows(t);
        float[] u = t.transformWeights(weights);
        return new DnnlWinogradConv(t, DnnlMatMul.prepareBatched(t.positions(), rows, t.params().inC(),
                t.params().outC(), u, threads), rows);
    }

    /** Tiles per chunk: all of them where the workspace stays under {@link #CHUNK_BYTES}. */
    static int chunkRows(BlockedWinograd t) {
        long perRow = 4L * t.positions() * (t.params().inC() + t.params().outC());
        long fit = CHUNK_BYTES / perRow;
        if (t.tiles() <= fit) return t.tiles();
        return (int) Math.max(ROW_MULTIPLE, fit / ROW_MULTIPLE * ROW_MULTIPLE);
    }

    /** Tiles per chunk. */
    int rows() { return rows; }

    /** Whether a run goes in one chunk (then an input with a NaN or infinity is found before any output is written). */
    boolean oneChunk() { return rows >= transforms.tiles(); }

    /**
     * Computes {@code y} from {@code x} (and the residual, where the convolution adds one), on {@code threads}
     * threads for the transforms.
     *
     * @return false, with {@code y} partly written, where the input held a NaN or an infinity: the caller computes it
     *         another way
     */
    boolean run(MemorySegment x, MemorySegment residual, MemorySegment y, int threads) {
        long mAt = NativeScratch.aligned(vBytes);
        MemorySegment ws = NativeScratch.workspace(mAt + mBytes);
        MemorySegment v = ws.asSlice(0, vBytes), m = ws.asSlice(mAt, mBytes);
        int tiles = transforms.tiles(), inC = transforms.params().inC();
        for (int t0 = 0; t0 < tiles; t0 += rows) {
            int t1 = Math.min(tiles, t0 + rows);
            if (!transforms.input(x, t0, t1, v, rows, threads)) return false;
            if (t1 - t0 < rows) {
                // rows past the last tile: products nobody reads, but stale bits may be denormals that slow the matmul
                for (int xi = 0; xi < transforms.positions(); xi++) {
                    v.asSlice(4L * ((long) xi * rows + (t1 - t0)) * inC, 4L * (rows - (t1 - t0)) * inC).fill((byte) 0);
                }
            }
            products.run(v, m, null);
            transforms.output(m, t0, t1, rows, residual, y, threads);
        }
        return true;
    }

    /** The matmul's implementation, e.g. {@code brg_matmul:avx2}. */
    String implementation() { return products.implementation(); }

    @Override
    public void close() {
        products.close();
    }
}
