package io.jengine.tune.device;

import io.jengine.spi.CacheSizes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The step finding of the latency probe, on synthetic latency curves (no measurement: the same answer every run). */
class DeviceCacheProbeTest {
    private static final long K = 1 << 10, M = 1 << 20;
    private static final long[] SIZES = CacheProbe.sizes(CacheProbe.MIN_BYTES, CacheProbe.MAX_BYTES);

    /** Latency if each level serves exactly what fits: sharp steps right after each capacity. */
    private static double[] sharp(long[] caps, double[] ns) { return sharp(SIZES, caps, ns); }

    private static double[] sharp(long[] sizes, long[] caps, double[] ns) {
        double[] out = new double[sizes.length];
        for (int i = 0; i < sizes.length; i++) {
            int level = 0;
            while (level < caps.length && sizes[i] > caps[level]) level++;
            out[i] = ns[level];
        }
        return out;
    }

    /**
     * Latency as real caches give it: a buffer larger than a level still hits it for the share that fits, so each
     * step is spread over a doubling or two; plus a TLB-reach bump and ±8% noise from a fixed seed.
     */
    private static double[] gradual(long[] caps, double[] ns, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        double[] out = new double[SIZES.length];
        for (int i = 0; i < SIZES.length; i++) {
            double s = SIZES[i], served = 0, t = 0;
            for (int level = 0; level <= caps.length; level++) {
                double fits = level < caps.length ? Math.min(1, caps[level] / s) : 1;
                t += (fits - served) * ns[level];
                served = fits;
            }
            if (SIZES[i] > 8 * M) t *= 1.25;
            out[i] = t * (1 + 0.08 * (2 * random.nextDouble() - 1));
        }
        return out;
    }

    @Test
    void sizesAreWholeLinesASqrtTwoApart() {
        assertEquals(8 * K, SIZES[0]);
        assertEquals(128 * M, SIZES[SIZES.length - 1]);
        for (int i = 1; i < SIZES.length; i++) {
            assertEquals(0, SIZES[i] % 64);
            assertEquals(Math.sqrt(2), (double) SIZES[i] / SIZES[i - 1], 0.01);
        }
    }

    @Test
    void sharpStepsGiveTheExactCapacities() {
        double[] ns = sharp(new long[] {32 * K, 512 * K, 32 * M}, new double[] {1.2, 4, 14, 90});
        assertEquals(List.of(32 * K, 512 * K, 32 * M), CacheProbe.steps(SIZES, ns));
        assertEquals(new CacheSizes(32 * K, 512 * K, 32 * M, "probed (latency steps)"), CacheProbe.levels(SIZES, ns, "hidden"));
    }

    @Test
    void gradualNoisyStepsStartAtTheCapacities() {
        long[][] machines = {{32 * K, 512 * K, 32 * M}, {48 * K, 2 * M, 16 * M}, {32 * K, 1 * M, 96 * M / 2}};
        for (long[] caps : machines) {
            for (long seed = 1; seed <= 20; seed++) {
                List<Long> found = CacheProbe.steps(SIZES, gradual(caps, new double[] {1.2, 4.5, 15, 100}, seed));
                assertEquals(3, found.size(), "seed " + seed + ": " + found);
                for (int level = 0; level < 3; level++) {
                    double ratio = (double) found.get(level) / caps[level];
                    assertTrue(ratio > 0.7 && ratio < 1.45, "seed " + seed + ", level " + (level + 1) + ": " + found);
                }
            }
        }
    }

    @Test
    void aSingleSlowMeasurementIsNoStep() {
        double[] ns = sharp(new long[] {32 * K, 512 * K, 32 * M}, new double[] {1.2, 4, 14, 90});
        int at = java.util.Arrays.binarySearch(SIZES, 4 * M);
        ns[at] *= 4;
        assertEquals(List.of(32 * K, 512 * K, 32 * M), CacheProbe.steps(SIZES, ns));
    }

    @Test
    void fewerThanThreeStepsFallBackToTheDefaults() {
        double[] twoLevels = sharp(new long[] {64 * K, 4 * M}, new double[] {1.5, 6, 110});
        assertEquals(List.of(64 * K, 4 * M), CacheProbe.steps(SIZES, twoLevels));
        CacheSizes c = CacheProbe.levels(SIZES, twoLevels, "sysfs is hidden");
        assertEquals(CacheSizes.defaults("sysfs is hidden; the latency probe found 2 of 3 steps"), c);

        double[] flat = new double[SIZES.length];
        SplittableRandom random = new SplittableRandom(7);
        for (int i = 0; i < flat.length; i++) flat[i] = 5 * (1 + 0.1 * random.nextDouble());
        assertEquals(List.of(), CacheProbe.steps(SIZES, flat));
    }

    @Test
    void capacitiesOutsideSaneRangesAreClamped() {
        long[] sizes = CacheProbe.sizes(1 * K, 4L << 30);
        // Steps after 4 KiB (below any L1d), 128 MiB (above any L2) and 1 GiB.
        double[] ns = sharp(sizes, new long[] {4 * K, 128 * M, 1L << 30}, new double[] {1, 4, 15, 100});
        assertEquals(List.of(4 * K, 128 * M, 1L << 30), CacheProbe.steps(sizes, ns));
        assertEquals(new CacheSizes(8 * K, 64 * M, 1L << 30, "probed (latency steps)"), CacheProbe.levels(sizes, ns, "x"));
    }
}
