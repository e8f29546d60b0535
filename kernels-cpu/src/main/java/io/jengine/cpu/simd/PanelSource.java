package io.jengine.cpu.simd;

/**
 * One GEMM operand as the driver sees it, in the packed layout the micro-kernel reads: micro-panels of {@code width}
 * (MR for A, NR for B) along the operand's free dimension x (M for A, N for B), each holding {@code kc} steps of K:
 * element (x, p) of a block starting at (x0, p0) sits at {@code ((x - x0) / width) * kc * width + (p - p0) * width +
 * (x - x0) % width}, with rows past the operand's edge zero. An operand either packs blocks on demand into the
 * caller's scratch, or was packed once beforehand and hands out offsets into its own array.
 */
abstract class PanelSource {
    final int width;
    /**
     * 1 for the layout above; L (the float vector width) for an A operand whose micro-panels hold chunks of L depth
     * steps, each chunk {@code width} rows of L consecutive steps: element (x, p) at
     * {@code ((p - p0) / L) * width * L + ((x - x0) % width) * L + (p - p0) % L} within its micro-panel. A pixel's
     * channels are then copied as whole vectors from a channel-blocked or channels-last image; K and every depth
     * block are multiples of L.
     */
    final int depthChunk;

    PanelSource(int width) { this(width, 1); }

    PanelSource(int width, int depthChunk) {
        this.width = width;
        this.depthChunk = depthChunk;
    }

    /** The whole operand packed beforehand for {@code problem}, or null when blocks are packed on demand. */
    float[] prepacked(int problem) { return null; }

    /** Offset in {@link #prepacked} of the block at depth {@code p0} (a multiple of kc) and x0 (a multiple of width). */
    int prepackedOffset(int p0, int kc, int x0) { throw new UnsupportedOperationException("not pre-packed"); }

    /** Packs x in [x0, x0 + len) and p in [p0, p0 + kc) of {@code problem} into {@code dst} from index 0. */
    abstract void pack(int problem, int x0, int len, int p0, int kc, float[] dst);

    /** Drops references to the memory read, once a product is done (sources re-bound per call override it). */
    void release() { }

    /** Floats a packed block of {@code len} x-values and depth {@code kc} occupies. */
    final int blockSize(int len, int kc) { return ceilDiv(len, width) * width * kc; }

    static int ceilDiv(int a, int b) { return (a + b - 1) / b; }
}
