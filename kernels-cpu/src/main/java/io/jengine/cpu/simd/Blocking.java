package io.jengine.cpu.simd;

import io.jengine.spi.CacheSizes;

/**
 * The GEMM's register and cache blocking, in the BLIS / GotoBLAS manner: an {@code mr x nr} micro-tile of C lives in
 * registers; a {@code kc x nr} micro-panel of packed B stays in L1 while the micro-kernel sweeps the A block; the
 * {@code mc x kc} packed A block stays in L2; the {@code kc x nc} packed B panel stays in L3.
 *
 * @param mr rows of the micro-tile ({@link MicroKernel#MR})
 * @param nr columns of the micro-tile, a multiple of the vector length ({@link MicroKernel#NR})
 * @param kc depth of a block: the sum over K runs in blocks of kc, always the same for a given K
 * @param mc rows of a packed A block, a multiple of mr
 * @param nc columns of a packed B panel, a multiple of nr
 */
public record Blocking(int mr, int nr, int kc, int mc, int nc) {
    private static final Blocking HOST = forCaches(CacheSizes.host());

    public Blocking {
        if (mr != MicroKernel.MR || nr != MicroKernel.NR) {
            throw new IllegalArgumentException("the micro-kernel is " + MicroKernel.MR + " x " + MicroKernel.NR
                    + ", got mr " + mr + ", nr " + nr);
        }
        if (kc < 1 || mc < mr || mc % mr != 0 || nc < nr || nc % nr != 0) {
            throw new IllegalArgumentException("need kc >= 1, mc a positive multiple of " + mr + ", nc a positive multiple of "
                    + nr + "; got kc " + kc + ", mc " + mc + ", nc " + nc);
        }
    }

    /**
     * The depth block actually used for a sum of {@code k} terms: kc evened out over the blocks K needs, so that
     * K = 576 runs as 3 x 192 rather than 256 + 256 + 64 (a short last block costs a full pass over C for little work).
     * Depends on k alone, so pre-packed operands and the driver agree.
     */
    public int depthBlock(int k) { return depthBlock(k, 1); }

    /**
     * As {@link #depthBlock(int)} for an operand packed in chunks of {@code align} depth steps: the block rounded up
     * to a multiple of {@code align} (k itself being one), so that no chunk straddles two blocks.
     */
    public int depthBlock(int k, int align) {
        if (k <= 0) return kc;
        int blocks = (k + kc - 1) / kc;
        int per = (k + blocks - 1) / blocks;
        return (per + align - 1) / align * align;
    }

    /**
     * The A block height used for a tile of {@code rows} rows: mc evened out over the blocks the tile needs and
     * rounded up to mr, so that 258 rows run as 2 x 132 rather than 252 + 6.
     */
    public int rowBlock(int rows) {
        if (rows <= mc) return Math.max(mr, rows + mr - 1) / mr * mr;
        int blocks = (rows + mc - 1) / mc, per = (rows + blocks - 1) / blocks;
        return Math.min(mc, (per + mr - 1) / mr * mr);
    }

    /** The blocking a tuned tiling names; an IllegalArgumentException when the micro-kernel has another shape. */
    public static Blocking of(io.jengine.spi.GemmTiling t) { return new Blocking(t.mr(), t.nr(), t.kc(), t.mc(), t.nc()); }

    /** This blocking as the tuner and tactic names write it. */
    public io.jengine.spi.GemmTiling tiling() { return new io.jengine.spi.GemmTiling(mr, nr, kc, mc, nc); }

    /** The blocking for this machine's caches. */
    public static Blocking host() { return HOST; }

    /**
     * Half of L1 for the B micro-panel (the other half streams A and C), half of L2 for the A block, a quarter of L3
     * for the B panel (L3 is shared with the other cores), each rounded down to the block granularity and kept within
     * bounds that avoid degenerate blocks on odd cache reports.
     */
    public static Blocking forCaches(CacheSizes c) {
        int mr = MicroKernel.MR, nr = MicroKernel.NR;
        int kc = clamp(c.l1d() / 2 / (4L * nr), 64, 512);
        int mc = clamp(c.l2() / 2 / (4L * kc), mr * 4, 600) / mr * mr;
        int nc = clamp(c.l3() / 4 / (4L * kc), nr * 8, 4096) / nr * nr;
        return new Blocking(mr, nr, kc, mc, nc);
    }

    private static int clamp(long v, int lo, int hi) { return (int) Math.max(lo, Math.min(hi, v)); }
}
