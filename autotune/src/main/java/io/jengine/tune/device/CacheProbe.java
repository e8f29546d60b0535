package io.jengine.tune.device;

import io.jengine.spi.CacheSizes;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Finds the cache capacities where the operating system hides them, from the latency of dependent loads: a random
 * cyclic permutation of cache lines is chased through buffers of growing size, and each level's capacity is the size
 * after which the nanoseconds per load step up. The order is random so that prefetchers cannot hide the misses; the
 * loads are dependent so that each costs one full latency.
 */
final class CacheProbe {
    static final long MIN_BYTES = 8L << 10, MAX_BYTES = 128L << 20;
    private static final int LINE_INTS = 64 / Integer.BYTES;
    private static final int MIN_LOADS = 1 << 14, MAX_LOADS = 1 << 18, REPS = 3;
    private static final double REP_NANOS = 8e6;
    /** A step must at least raise the latency by this factor (as a log); noise on a plateau stays well below it. */
    static final double MIN_RISE = Math.log(1.5);
    /** Sizes per level at least: one outlier left by the median must not make a level of its own. */
    private static final int MIN_SEGMENT = 2;
    /** What any CPU has: beyond these a step is misread noise or a TLB edge, and is clamped back. */
    private static final long[][] SANE = {{8L << 10, 512L << 10}, {64L << 10, 64L << 20}, {1L << 20, 4L << 30}};
    private static volatile int sink;

    private CacheProbe() {}

    /** Measures this machine; {@code why} says why the probe ran, for the source when it falls back to defaults. */
    static CacheSizes probe(String why) {
        long[] sizes = sizes(MIN_BYTES, Math.min(MAX_BYTES, Runtime.getRuntime().maxMemory() / 4));
        return levels(sizes, nanosPerLoad(sizes), why);
    }

    /** Sizes from {@code min} to {@code max}, a factor √2 apart, each a whole number of 64-byte lines. */
    static long[] sizes(long min, long max) {
        List<Long> l = new ArrayList<>();
        for (int k = 0; ; k++) {
            long s = (long) (min * Math.pow(2, k / 2.0)) / 64 * 64;
            if (s > max) break;
            l.add(s);
        }
        return l.stream().mapToLong(Long::longValue).toArray();
    }

    /** The three capacities of a latency curve, clamped to sane ranges, or the defaults when there are not three. */
    static CacheSizes levels(long[] sizes, double[] nanos, String why) {
        List<Long> caps = steps(sizes, nanos);
        if (caps.size() < 3) return CacheSizes.defaults(why + "; the latency probe found " + caps.size() + " of 3 steps");
        // Ascending sizes stay ascending when clamped, as the ranges are ordered.
        return new CacheSizes(clamp(caps.get(0), SANE[0]), clamp(caps.get(1), SANE[1]), clamp(caps.get(2), SANE[2]),
                "probed (latency steps)");
    }

    /**
     * The capacities (ascending, at most three) where a latency curve steps up. The log latencies (a median of three
     * first drops single outliers, such as a preempted measurement) are fitted with four flat segments by least
     * squares, which puts the boundaries on the largest steps and ignores smaller bumps (the TLB's reach) and noise.
     * A boundary is a step if the median latency rises across it by {@link #MIN_RISE}; its capacity is the last size
     * before it whose latency is still near the lower segment's, since a buffer a little larger than a cache still
     * hits it in part and the fit may count the first such sizes to the lower level. A machine without L3 may have
     * its DRAM ramp read as one.
     */
    static List<Long> steps(long[] sizes, double[] nanos) {
        int n = sizes.length;
        if (nanos.length != n) throw new IllegalArgumentException(n + " sizes but " + nanos.length + " latencies");
        if (n < 4 * MIN_SEGMENT) return List.of();
        double[] y = new double[n], sum = new double[n + 1], squares = new double[n + 1];
        for (int i = 0; i < n; i++) {
            y[i] = Math.log(median(nanos[Math.max(0, i - 1)], nanos[i], nanos[Math.min(n - 1, i + 1)]));
            sum[i + 1] = sum[i] + y[i];
            squares[i + 1] = squares[i] + y[i] * y[i];
        }
        int[] bounds = null;
        double best = Double.MAX_VALUE;
        for (int b1 = MIN_SEGMENT; b1 <= n - 3 * MIN_SEGMENT; b1++) {
            for (int b2 = b1 + MIN_SEGMENT; b2 <= n - 2 * MIN_SEGMENT; b2++) {
                for (int b3 = b2 + MIN_SEGMENT; b3 <= n - MIN_SEGMENT; b3++) {
                    double e = sse(sum, squares, 0, b1) + sse(sum, squares, b1, b2) + sse(sum, squares, b2, b3)
                            + sse(sum, squares, b3, n);
                    if (e < best) {
                        best = e;
                        bounds = new int[] {0, b1, b2, b3, n};
                    }
                }
            }
        }
        List<Long> caps = new ArrayList<>();
        for (int k = 0; k < 3; k++) {
            double lo = median(y, bounds[k], bounds[k + 1]), hi = median(y, bounds[k + 1], bounds[k + 2]);
            if (hi - lo < MIN_RISE) continue;
            int i = bounds[k + 1] - 1;
            while (i > bounds[k] && y[i] > lo + 0.3 * (hi - lo)) i--;
            caps.add(sizes[i]);
        }
        return caps;
    }

    /** The squared error of y[from, to) about its mean, from prefix sums. */
    private static double sse(double[] sum, double[] squares, int from, int to) {
        double s = sum[to] - sum[from];
        return squares[to] - squares[from] - s * s / (to - from);
    }

    private static double median(double[] y, int from, int to) {
        double[] v = Arrays.copyOfRange(y, from, to);
        Arrays.sort(v);
        int m = v.length;
        return m % 2 == 1 ? v[m / 2] : (v[m / 2 - 1] + v[m / 2]) / 2;
    }

    private static double median(double a, double b, double c) {
        return Math.max(Math.min(a, b), Math.min(Math.max(a, b), c));
    }

    private static long clamp(long v, long[] range) { return Math.max(range[0], Math.min(range[1], v)); }

    /**
     * Nanoseconds per dependent load for each size: best of a few repetitions, after one pass to warm the caches.
     * Each repetition does as many loads as take about {@link #REP_NANOS} at the latency of the size before, so that
     * DRAM-sized buffers, a hundred times slower per load than L1, do not take a hundred times as long.
     */
    private static double[] nanosPerLoad(long[] sizes) {
        int maxLines = (int) (sizes[sizes.length - 1] / 64);
        int[] chain = new int[maxLines * LINE_INTS];
        int[] order = new int[maxLines];
        SplittableRandom random = new SplittableRandom(42);
        link(chain, order, (int) (sizes[0] / 64), random);
        for (int i = 0; i < 10; i++) sink += chase(chain, MAX_LOADS); // compiles the loop before anything is timed
        double[] nanos = new double[sizes.length];
        double previous = 1;
        for (int k = 0; k < sizes.length; k++) {
            int lines = (int) (sizes[k] / 64);
            int loads = (int) Math.max(MIN_LOADS, Math.min(MAX_LOADS, REP_NANOS / previous));
            link(chain, order, lines, random);
            sink += chase(chain, Math.min(lines, loads));
            double best = Double.MAX_VALUE;
            for (int rep = 0; rep < REPS; rep++) {
                long t0 = System.nanoTime();
                sink += chase(chain, loads);
                best = Math.min(best, (double) (System.nanoTime() - t0) / loads);
            }
            nanos[k] = previous = best;
        }
        return nanos;
    }

    /**
     * Makes the first {@code lines} lines of {@code chain} one random cycle (Sattolo's shuffle gives a permutation with
     * a single cycle, so the chase visits every line); one int per 64-byte line, so each load is one line.
     */
    private static void link(int[] chain, int[] order, int lines, SplittableRandom random) {
        for (int i = 0; i < lines; i++) order[i] = i;
        for (int i = lines - 1; i > 0; i--) {
            int j = random.nextInt(i), t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        for (int i = 0; i < lines; i++) chain[i * LINE_INTS] = order[i] * LINE_INTS;
    }

    private static int chase(int[] chain, int loads) {
        int at = 0;
        for (int i = 0; i < loads; i++) at = chain[at];
        return at;
    }
}
