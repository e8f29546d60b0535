package io.jengine.cpu.nativelib;

import io.jengine.cpu.simd.conv.BlockedWinograd;
import io.jengine.spi.IntraOpPool;
import io.jengine.tensor.UninitializedMemory;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * A 3x3 stride-1 convolution on the level-3 layouts by Winograd's algorithm: the tile transforms in the engine's
 * vector code ({@link BlockedWinograd}), the alpha^2 products between them as one batched oneDNN matmul against the
 * transformed weights (reordered once into the layout its brgemm kernel wants). F(4x4, 3x3) needs a quarter of a
 * direct convolution's multiplications, and on AVX2, where oneDNN has no Winograd convolution of its own, that
 * beats its direct kernels on the dense 3x3 layers of a ResNet.
 *
 * <p>The tiles go in chunks sized so that the transformed tiles and products (the calling thread's
 * {@link NativeScratch#workspace}) stay within a few MiB; most layers are one chunk. The transform positions'
 * matrices in that workspace lie an odd number of cache lines apart ({@link BlockedWinograd#positionStride}), which
 * the matmuls take as their batch stride: packed densely, a 256-channel layer's 36 matrices fall on the same L1 sets
 * and its transforms ran a third slower.
 *
 * <p>Threads: the transforms split the tiles, the products split the transform positions, all on the engine's own
 * pool: with {@code threads} workers the positions go in {@code threads} batches, each a single-threaded matmul of its
 * own run by one worker, so a chunk of tiles is three calls of the pool (which runs on OpenMP's threads once oneDNN
 * lends them: {@link OpenMpTeam}).
 */
final class DnnlWinogradConv implements AutoCloseable {
    /** Workspace per chunk at most (transformed tiles and products together). */
    private static final long CHUNK_BYTES = 8L << 20;
    /** Chunks are a multiple of this many tiles (brgemm's row blocking). */
    private static final int ROW_MULTIPLE = 16;

    private final BlockedWinograd transforms;
    /** The products of positions {@code [firstPosition[i], firstPosition[i + 1])}, one batched matmul each. */
    private final DnnlMatMul[] products;
    private final int[] firstPosition;
    private final int rows;
    /** Floats from one position's matrix of V (and of M) to the next: {@link BlockedWinograd#positionStride}. */
    private final long vStride, mStride;
    private final long vBytes, mBytes;

    private DnnlWinogradConv(BlockedWinograd transforms, DnnlMatMul[] products, int[] firstPosition, int rows) {
        this.transforms = transforms;
        this.products = products;
        this.firstPosition = firstPosition;
        this.rows = rows;
        this.vStride = vStride(transforms, rows);
        this.mStride = mStride(transforms, rows);
        this.vBytes = 4L * transforms.positions() * vStride;
        this.mBytes = 4L * transforms.positions() * mStride;
    }

    private static long vStride(BlockedWinograd t, int rows) {
        return BlockedWinograd.positionStride(rows, t.params().inC());
    }

    private static long mStride(BlockedWinograd t, int rows) {
        return BlockedWinograd.positionStride(rows, t.params().outC());
    }

    /** {@link #prepare(BlockedWinograd, MemorySegment, int)} on an array. */
    static DnnlWinogradConv prepare(BlockedWinograd t, float[] weights, int threads) {
        return prepare(t, DnnlConv2d.segment(weights), threads);
    }

    /**
     * Transforms the weights ({@code [outC, inC, 3, 3]}, only read: a read-only mapping will do) and creates the
     * matmuls, one batch of positions per thread.
     *
     * <p>The transform goes to native memory, each matmul reordering its positions straight from a slice of it; it is
     * freed once they are prepared, since each reorder copies into its primitive's own memory. Where a plan stored
     * every matmul's reordered weights ({@link Packing}), the transform is not computed at all.
     *
     * @throws UnsupportedOperationException where oneDNN has only its GEMM-driven matmul for the products
     */
    static DnnlWinogradConv prepare(BlockedWinograd t, MemorySegment weights, int threads) {
        SegmentChecks.positive("threads", threads);
        int rows = chunkRows(t), pos = t.positions(), parts = Math.min(threads, pos);
        int inC = t.params().inC(), outC = t.params().outC();
        long positionBytes = (long) Float.BYTES * inC * outC;
        DnnlMatMul[] products = new DnnlMatMul[parts];
        int[] first = new int[parts + 1];
        try (Arena temp = Arena.ofConfined()) {
            MemorySegment u = UninitializedMemory.allocate(t.transformedWeightBytes(), 64, temp);
            // Transformed only if a product has no stored part to take instead (a plan built here stored them all).
            Packing packing = Packing.current();
            if (packing != null) packing.deferSource(() -> t.transformWeights(weights, u));
            else t.transformWeights(weights, u);
            for (int i = 0; i < parts; i++) {
                first[i] = pos * i / parts;
                first[i + 1] = pos * (i + 1) / parts;
                int n = first[i + 1] - first[i];
                products[i] = DnnlMatMul.prepareBatched(n, rows, inC, outC,
                        u.asSlice(first[i] * positionBytes, n * positionBytes), 1, vStride(t, rows), mStride(t, rows));
            }
            if (packing != null) packing.sourceDone();
        } catch (RuntimeException e) {
            for (DnnlMatMul p : products) if (p != null) p.close();
            throw e;
        }
        return new DnnlWinogradConv(t, products, first, rows);
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

    /**
     * Computes {@code y} from {@code x} (and the residual, where the convolution adds one), on {@code threads}
     * threads for the transforms.
     *
     * @return false, with nothing written, where the input holds a NaN, an infinity or a value large enough to
     *         overflow a transform ({@link BlockedWinograd#inputInRange}): the caller computes it another way
     */
    boolean run(MemorySegment x, MemorySegment residual, MemorySegment y, int threads) {
        return !Float.isNaN(runMeasuring(x, residual, y, threads));
    }

    /**
     * As {@link #run}, returning the largest magnitude of the input (measured anyway, to rule out overflow), or NaN
     * where it did not run.
     */
    float runMeasuring(MemorySegment x, MemorySegment residual, MemorySegment y, int threads) {
        float largest = transforms.inputMagnitude(x, threads);
        if (!(largest <= BlockedWinograd.INPUT_LIMIT)) return Float.NaN;
        long mAt = NativeScratch.aligned(vBytes);
        MemorySegment ws = NativeScratch.workspace(mAt + mBytes);
        MemorySegment v = ws.asSlice(0, vBytes), m = ws.asSlice(mAt, mBytes);
        int tiles = transforms.tiles(), inC = transforms.params().inC();
        for (int t0 = 0; t0 < tiles; t0 += rows) {
            int t1 = Math.min(tiles, t0 + rows);
            transforms.input(x, t0, t1, v, rows, vStride, threads);
            if (t1 - t0 < rows) {
                // rows past the last tile: products nobody reads, but stale bits may be denormals that slow the matmul
                for (int xi = 0; xi < transforms.positions(); xi++) {
                    v.asSlice(4L * (xi * vStride + (long) (t1 - t0) * inC), 4L * (rows - (t1 - t0)) * inC)
                            .fill((byte) 0);
                }
            }
            products(v, m);
            transforms.output(m, t0, t1, rows, mStride, residual, y, threads);
        }
        return largest;
    }

    /** Every position's product, each batch of positions on one of the pool's threads. */
    private void products(MemorySegment v, MemorySegment m) {
        if (products.length == 1) {
            products[0].run(v, m, null);
            return;
        }
        long vPos = 4L * vStride, mPos = 4L * mStride;
        IntraOpPool.shared().parallelFor(products.length, products.length, i -> {
            int p0 = firstPosition[i], n = firstPosition[i + 1] - p0;
            products[i].run(v.asSlice(p0 * vPos, n * vPos), m.asSlice(p0 * mPos, n * mPos), null);
        });
    }

    /** The matmul's implementation, e.g. {@code brg_matmul:avx2}. */
    String implementation() { return products[0].implementation(); }

    @Override
    public void close() {
        for (DnnlMatMul p : products) p.close();
    }
}
