package io.jengine.cpu.simd;

/**
 * How a {@link GemmJob} is cut into tasks: each task owns a {@code rowsPer x colsPer} tile of one problem's C and runs
 * the whole K loop for it, so tasks never share an output and the split changes no rounding. The cut depends only on
 * the shapes, the blocking and the thread count.
 *
 * @param rowsPer    rows of a tile, a multiple of mr
 * @param colsPer    columns of a tile, a multiple of nr, at most nc
 * @param rowTiles   tiles down M
 * @param colTiles   tiles across N
 * @param problems   products in the job
 */
record TileGrid(int rowsPer, int colsPer, int rowTiles, int colTiles, int problems) {
    /**
     * Relative cost of packing one element against one multiply-add into a tile: packing touches memory with a
     * scalar loop, about fifteen times the time of a vectorised FMA.
     */
    private static final int PACK_WEIGHT = 15;

    int tasks() { return rowTiles * colTiles * problems; }

    /**
     * With one thread: one tile per problem and NC-wide column panel (B packed once per panel). With more: the
     * split that minimises the longest thread's work, counted in tile area plus packing, preferring fewer tasks.
     */
    static TileGrid of(int m, int n, int problems, Blocking blk, int threads) {
        int mr = blk.mr(), nr = blk.nr();
        int mPanels = Math.max(1, PanelSource.ceilDiv(m, mr)), nPanels = Math.max(1, PanelSource.ceilDiv(n, nr));
        int minColTiles = PanelSource.ceilDiv(nPanels * nr, blk.nc());
        int bestRows = 0, bestCols = 0, bestRt = 0, bestCt = 0;
        long bestCost = Long.MAX_VALUE, bestTasks = 0;
        int maxRt = threads <= 1 ? 1 : Math.min(mPanels, 4 * threads);
        int maxCt = threads <= 1 ? minColTiles : Math.min(nPanels, minColTiles + 4 * threads);
        for (int rt = 1; rt <= maxRt; rt++) {
            int rowsPer = PanelSource.ceilDiv(mPanels, rt) * mr, realRt = PanelSource.ceilDiv(Math.max(1, m), rowsPer);
            for (int ct = minColTiles; ct <= maxCt; ct++) {
                int colsPer = PanelSource.ceilDiv(nPanels, ct) * nr, realCt = PanelSource.ceilDiv(Math.max(1, n), colsPer);
                long tasks = (long) realRt * realCt * problems;
                long waves = (tasks + threads - 1) / Math.max(1, threads);
                long cost = waves * ((long) rowsPer * colsPer + PACK_WEIGHT * ((long) rowsPer + colsPer));
                if (cost < bestCost || (cost == bestCost && tasks < bestTasks)) {
                    bestCost = cost;
                    bestTasks = tasks;
                    bestRows = rowsPer;
                    bestCols = colsPer;
                    bestRt = realRt;
                    bestCt = realCt;
                }
            }
        }
        return new TileGrid(bestRows, bestCols, bestRt, bestCt, problems);
    }
}
