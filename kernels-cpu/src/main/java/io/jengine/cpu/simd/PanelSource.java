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

    PanelSource(int width) { this.width = width; }

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
