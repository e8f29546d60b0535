package io.jengine.cpu.simd.conv;

/**
 * One thread's working arrays for the convolution kernels of this package, kept between runs and grown on demand so
 * that a run allocates nothing once warm. Shared by every prepared convolution the thread runs, so a network's many
 * layers cost one set of buffers per thread rather than one per layer; a caller never assumes their contents.
 */
final class ConvScratch {
    private static final ThreadLocal<ConvScratch> MINE = ThreadLocal.withInitial(ConvScratch::new);

    /** Winograd-domain input tiles of a block. */
    float[] v = new float[0];
    /** Winograd-domain products of a block. */
    float[] m = new float[0];
    /** One input row with its padding. */
    float[] row = new float[0];
    /** Input rows split by column phase (column mod the tile side): alpha rows of m phases. */
    float[] phases = new float[0];
    /** A transform's intermediate 6x6 vectors. */
    float[] tmp = new float[0];
    /** Output tiles of a tile row, by position within the tile. */
    float[] stage = new float[0];
    /** One output row before the epilogue. */
    float[] out = new float[0];
    /** A padded input plane split by column phase (column mod stride), for the depthwise kernel. */
    float[] plane = new float[0];

    private ConvScratch() {}

    static ConvScratch mine() { return MINE.get(); }

    /** {@code a} if it holds {@code n} floats, else a new zeroed array of {@code n}. */
    static float[] atLeast(float[] a, int n) { return a.length >= n ? a : new float[n]; }
}
