package io.jengine.cpu.simd;

/**
 * The {@link TileGrid} of a GEMM whose shape is fixed (a prepared convolution's), for the thread count of the last
 * run: computed when the count changes, not on every run.
 */
final class TileGridCache {
    private record ForThreads(int threads, TileGrid grid) {}

    private final int m, n, problems;
    private final Blocking blocking;
    private volatile ForThreads last;

    TileGridCache(int m, int n, int problems, Blocking blocking) {
        this.m = m;
        this.n = n;
        this.problems = problems;
        this.blocking = blocking;
    }

    TileGrid grid(int threads) {
        ForThreads g = last;
        if (g == null || g.threads() != threads) {
            g = new ForThreads(threads, TileGrid.of(m, n, problems, blocking, threads));
            last = g;
        }
        return g.grid();
    }
}
