package io.jengine.cpu.simd.ops;

import io.jengine.spi.IntraOpPool;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Reorders float32 activations between NCHW and the channel-blocked {@code [N, C/b, H, W, b]}: element
 * {@code (n, c, p)} of a plane of {@code hw} positions sits at {@code ((n·C/b + c/b)·hw + p)·b + c%b} once blocked.
 * Threaded over channel blocks; within a block the positions are walked in tiles small enough that the b plain rows
 * read and the tile written stay in the first-level cache. Copies are exact, NaN payloads included.
 */
public final class ChannelBlockReorder {
    private static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED;
    private static final int TILE = 256;

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
            for (long blk = TaskRanges.start(blocks, tasks, t); blk < TaskRanges.start(blocks, tasks, t + 1); blk++) {
                // block blk covers plain channels blk*b .. blk*b+b-1 (n folds in, since C is a multiple of b)
                long plainAt = 4L * blk * b * hw, blockedAt = 4L * blk * hw * b;
                for (long p0 = 0; p0 < hw; p0 += TILE) {
                    long p1 = Math.min(hw, p0 + TILE);
                    for (int j = 0; j < b; j++) {
                        long row = plainAt + 4L * j * hw;
                        if (toBlocked) {
                            for (long p = p0; p < p1; p++) {
                                y.set(FLOAT, yOff + blockedAt + 4L * (p * b + j), x.get(FLOAT, xOff + row + 4L * p));
                            }
                        } else {
                            for (long p = p0; p < p1; p++) {
                                y.set(FLOAT, yOff + row + 4L * p, x.get(FLOAT, xOff + blockedAt + 4L * (p * b + j)));
                            }
                        }
                    }
                }
            }
        });
    }
}
