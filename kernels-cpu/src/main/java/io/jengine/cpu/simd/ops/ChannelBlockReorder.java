package io.jengine.cpu.simd.ops;

import io.jengine.spi.IntraOpPool;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Reorders float32 activations between NCHW and the channel-blocked {@code [N, C/b, H, W, b]}: element
 * {@code (n, c, p)} of a plane of {@code hw} positions sits at {@code ((n·C/b + c/b)·hw + p)·b + c%b} once blocked.
 * Threaded over channel blocks; within a block the positions are walked in tiles small enough that the b plain rows
 * and the blocked tile stay in the first-level cache: bulk copies in and out, and vector gathers between them (one
 * lane per channel going to the blocked side, one per position coming back). Copies are exact, NaN payloads included.
 */
public final class ChannelBlockReorder {
    private static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED;
    private static final VectorSpecies<Float> F = VectorMath.F;
    private static final int LANES = F.length();
    /** A tile holds up to 256 positions of up to 16 channels; wider blocks (channels-last) take fewer positions. */
    private static final int TILE_FLOATS = 256 * 16;
    /** Gather offsets of one lane per position of a blocked tile whose block is one vector wide. */
    private static final int[] BLOCK_STRIDE = strided(LANES);

    /** Each thread's two tiles, grown to the largest block seen, so that a run allocates nothing. */
    private static final ThreadLocal<float[][]> TILES = ThreadLocal.withInitial(() -> new float[][] {new float[0], new float[0]});

    /** Positions per tile, and the gather offsets of one lane per plain row of a tile. */
    private final int tile;
    private final int[] rowStride;

    private static int[] strided(int stride) {
        int[] idx = new int[LANES];
        for (int i = 0; i < LANES; i++) idx[i] = i * stride;
        return idx;
    }

    private final long n;
    private final long c;
    private final long hw;
    private final int b;

    /** For {@code [n, c, hw]} plain and {@code [n, c/b, hw, b]} blocked; {@code c} a multiple of {@code b}. */
    public ChannelBlockReorder(long n, long c, long hw, int b) {
        SegmentBounds.checkPositive("batch", n);
        SegmentBounds.checkPositive("channels", c);
        SegmentBounds.checkPositive("plane size", hw);
        SegmentBounds.checkPositive("block", b);
        if (c % b != 0) throw new IllegalArgumentException(c + " channels are not a multiple of the block " + b);
        this.n = n;
        this.c = c;
        this.hw = hw;
        this.b = b;
        this.tile = Math.max(LANES, TILE_FLOATS / b / LANES * LANES);
        this.rowStride = strided(tile);
    }

    public long elements() { return Math.multiplyExact(Math.multiplyExact(n, c), hw); }

    /** Plain {@code x} (from byte xOff) into blocked {@code y} (from byte yOff). They must not overlap. */
    public void toBlocked(MemorySegment x, long xOff, MemorySegment y, long yOff, int threads) {
        run(x, xOff, y, yOff, threads, true);
    }

    /** Blocked {@code x} (from byte xOff) into plain {@code y} (from byte yOff). They must not overlap. */
    public void toPlain(MemorySegment x, long xOff, MemorySegment y, long yOff, int threads) {
        run(x, xOff, y, yOff, threads, false);
    }

    private void run(MemorySegment x, long xOff, MemorySegment y, long yOff, int threads, boolean toBlocked) {
        long count = elements();
        SegmentBounds.checkFloats("reorder input", x, xOff, count);
        SegmentBounds.checkFloats("reorder output", y, yOff, count);
        if (x.asSlice(xOff, 4 * count).asOverlappingSlice(y.asSlice(yOff, 4 * count)).isPresent()) {
            throw new IllegalArgumentException("reorder output overlaps its input");
        }
        long blocks = n * (c / b);
        int tasks = TaskRanges.tasks(blocks, threads);
        IntraOpPool.shared().parallelFor(threads, tasks, t -> {
            float[][] tiles = TILES.get();
            if (tiles[0].length < tile * b) {
                tiles[0] = new float[tile * b];
                tiles[1] = new float[tile * b];
            }
            float[] in = tiles[0], out = tiles[1];
            for (long blk = TaskRanges.start(blocks, tasks, t); blk < TaskRanges.start(blocks, tasks, t + 1); blk++) {
                // block blk covers plain channels blk*b .. blk*b+b-1 (n folds in, since C is a multiple of b)
                long plainAt = 4L * blk * b * hw, blockedAt = 4L * blk * hw * b;
                for (long p0 = 0; p0 < hw; p0 += tile) {
                    int len = (int) Math.min(tile, hw - p0);
                    if (toBlocked) {
                        for (int j = 0; j < b; j++) {
                            MemorySegment.copy(x, FLOAT, xOff + plainAt + 4L * (j * hw + p0), in, j * tile, len);
                        }
                        interleave(in, out, len);
                        MemorySegment.copy(out, 0, y, FLOAT, yOff + blockedAt + 4L * p0 * b, len * b);
                    } else {
                        MemorySegment.copy(x, FLOAT, xOff + blockedAt + 4L * p0 * b, in, 0, len * b);
                        deinterleave(in, out, len);
                        for (int j = 0; j < b; j++) {
                            MemorySegment.copy(out, j * tile, y, FLOAT, yOff + plainAt + 4L * (j * hw + p0), len);
                        }
                    }
                }
            }
        });
    }

    /** rows[j * tile + p] (b rows of len positions) to out[p * b + j]: one gather per position and vector of lanes. */
    private void interleave(float[] rows, float[] out, int len) {
        if (b % LANES != 0) {
            for (int j = 0; j < b; j++) for (int p = 0; p < len; p++) out[p * b + j] = rows[j * tile + p];
            return;
        }
        for (int p = 0; p < len; p++) {
            for (int j = 0; j < b; j += LANES) {
                FloatVector.fromArray(F, rows, j * tile + p, rowStride, 0).intoArray(out, p * b + j);
            }
        }
    }

    /** in[p * b + j] to rows[j * tile + p]: one gather per channel and vector of positions. */
    private void deinterleave(float[] in, float[] rows, int len) {
        int p = 0;
        if (b == LANES) {
            for (; p + LANES <= len; p += LANES) {
                for (int j = 0; j < b; j++) FloatVector.fromArray(F, in, p * b + j, BLOCK_STRIDE, 0).intoArray(rows, j * tile + p);
            }
        }
        for (; p < len; p++) for (int j = 0; j < b; j++) rows[j * tile + p] = in[p * b + j];
    }
}
