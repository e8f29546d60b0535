package io.jengine.cpu.simd;

import io.jengine.spi.IntraOpPool;

/**
 * Runs a {@link GemmJob}: the tiles of its {@link TileGrid} over the shared {@link IntraOpPool}, each tile through
 * the GotoBLAS loop nest (depth blocks of kc, then A blocks of mc rows, then nr-wide B micro-panels held in L1 while
 * the mr-row A micro-panels stream past them).
 */
final class GemmDriver {
    private GemmDriver() {}

    /** Runs the job with the grid {@link TileGrid#of} gives for its shape, then {@link GemmJob#clear() clears} it. */
    static void run(GemmJob job, int threads) { run(job, null, threads); }

    /** As {@link #run(GemmJob, int)} with a grid the caller made (and keeps) for this job's shape and thread count. */
    static void run(GemmJob job, TileGrid grid, int threads) {
        try {
            if (threads < 1) throw new IllegalArgumentException("threads must be >= 1, got " + threads);
            if (job.m == 0 || job.n == 0 || job.problems == 0) return;
            job.grid = grid != null ? grid : TileGrid.of(job.m, job.n, job.problems, job.blocking, threads);
            int tasks = job.grid.tasks();
            if (threads == 1 || tasks == 1) {
                for (int t = 0; t < tasks; t++) runTile(job, t);
            } else {
                IntraOpPool.shared().parallelFor(threads, tasks, job);
            }
        } finally {
            job.clear();
        }
    }

    static void runTile(GemmJob job, int task) {
        TileGrid grid = job.grid;
        int perProblem = grid.rowTiles() * grid.colTiles();
        int q = task / perProblem, inProblem = task % perProblem;
        int r0 = (inProblem / grid.colTiles()) * grid.rowsPer(), c0 = (inProblem % grid.colTiles()) * grid.colsPer();
        int r1 = Math.min(job.m, r0 + grid.rowsPer()), c1 = Math.min(job.n, c0 + grid.colsPer());
        Blocking blk = job.blocking;
        int mr = blk.mr(), nr = blk.nr(), k = job.k;
        GemmScratch scratch = GemmScratch.mine();
        float[] tile = scratch.tile;
        TileWriter writer = job.writer;
        PanelSource aSrc = job.a, bSrc = job.b;
        float[] aPre = aSrc.prepacked(q), bPre = bSrc.prepacked(q);
        int chunk = aSrc.depthChunk, depthBlock = blk.depthBlock(k, chunk), kBlocks = Math.max(1, PanelSource.ceilDiv(k, depthBlock));
        // A tile of one A block gets nothing from holding a whole packed B panel (nothing re-reads it), so each B
        // micro-panel is then packed just before its use, into a buffer that stays in L1, instead of round-tripping
        // a panel of kc x nc through L3.
        int mcTile = blk.rowBlock(r1 - r0);
        boolean bPerPanel = bPre == null && r1 - r0 <= mcTile;
        for (int kb = 0; kb < kBlocks; kb++) {
            int p0 = kb * depthBlock, kc = Math.min(depthBlock, k - p0);
            boolean first = kb == 0, last = kb == kBlocks - 1;
            float[] bBuf;
            int bBase;
            if (bPre != null) {
                bBuf = bPre;
                bBase = bSrc.prepackedOffset(p0, kc, c0);
            } else if (bPerPanel) {
                bBuf = scratch.b(bSrc.blockSize(nr, kc));
                bBase = 0;
            } else {
                bBuf = scratch.b(bSrc.blockSize(c1 - c0, kc));
                bBase = 0;
                bSrc.pack(q, c0, c1 - c0, p0, kc, bBuf);
            }
            for (int ic = r0; ic < r1; ic += mcTile) {
                int mc = Math.min(mcTile, r1 - ic);
                float[] aBuf;
                int aBase;
                if (aPre != null) {
                    aBuf = aPre;
                    aBase = aSrc.prepackedOffset(p0, kc, ic);
                } else {
                    aBuf = scratch.a(aSrc.blockSize(mc, kc));
                    aBase = 0;
                    aSrc.pack(q, ic, mc, p0, kc, aBuf);
                }
                for (int jr = c0; jr < c1; jr += nr) {
                    int cols = Math.min(nr, c1 - jr), bOff;
                    if (bPerPanel) {
                        bSrc.pack(q, jr, cols, p0, kc, bBuf);
                        bOff = 0;
                    } else {
                        bOff = bBase + ((jr - c0) / nr) * kc * nr;
                    }
                    for (int ir = ic; ir < ic + mc; ir += mr) {
                        int aOff = aBase + ((ir - ic) / mr) * kc * mr;
                        if (chunk == 1) MicroKernel.multiply(kc, aBuf, aOff, bBuf, bOff, tile);
                        else MicroKernel.multiplyChunked(kc, aBuf, aOff, bBuf, bOff, tile);
                        writer.write(tile, q, ir, jr, Math.min(mr, ic + mc - ir), cols, first, last);
                    }
                }
            }
        }
    }
}
