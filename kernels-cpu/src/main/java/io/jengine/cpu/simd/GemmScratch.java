package io.jengine.cpu.simd;

/**
 * One thread's packing buffers and micro-tile, grown on demand and kept for the thread's life, so that products
 * allocate nothing once the largest block shape has been seen.
 */
final class GemmScratch {
    private static final ThreadLocal<GemmScratch> MINE = ThreadLocal.withInitial(GemmScratch::new);

    float[] a = new float[0], b = new float[0];
    final float[] tile = new float[MicroKernel.MR * MicroKernel.NR];
    /** Im2col: the input row and column where each run of a B micro-panel's pixels starts. */
    final int[] rowStart = new int[MicroKernel.NR], colStart = new int[MicroKernel.NR];
    /** Im2col: where each same-output-row run of a B micro-panel starts, and its length. */
    final int[] segStart = new int[MicroKernel.NR], segLen = new int[MicroKernel.NR];
    /** Blocked im2col: the input row and column of each pixel of an A micro-panel at kernel offset (0, 0). */
    final int[] pixelRow = new int[MicroKernel.MR], pixelCol = new int[MicroKernel.MR];

    /**
     * The per-call objects of a product started on this thread, re-bound by each call (the thread waits for the
     * product to finish, so one of each suffices): the job, its writer, and the operands read from memory.
     */
    final GemmJob job = new GemmJob();
    final TileWriter writer = new TileWriter();
    final MatrixPanels matrixA = new MatrixPanels(MicroKernel.MR), matrixB = new MatrixPanels(MicroKernel.NR);
    final Im2colPanels im2col = new Im2colPanels(MicroKernel.NR);
    final MatrixPanels planes = new MatrixPanels(MicroKernel.NR);
    final BlockedIm2colPanels blockedIm2col = new BlockedIm2colPanels(MicroKernel.MR);

    static GemmScratch mine() { return MINE.get(); }

    float[] a(int size) {
        if (a.length < size) a = new float[size];
        return a;
    }

    float[] b(int size) {
        if (b.length < size) b = new float[size];
        return b;
    }
}
