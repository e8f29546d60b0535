package io.jengine.cli.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** Percentiles and spread on samples whose answers are known (numpy's linear interpolation). */
class LatencyStatsTest {
    @Test
    void percentilesOfOneToHundred() {
        double[] ms = new double[100];
        for (int i = 0; i < ms.length; i++) ms[i] = 100 - i; // unsorted on purpose
        LatencyStats s = LatencyStats.ofMillis(ms);
        assertEquals(100, s.runs());
        assertEquals(1, s.min());
        assertEquals(100, s.max());
        assertEquals(50.5, s.mean(), 1e-12);
        assertEquals(50.5, s.median(), 1e-12);
        assertEquals(90.1, s.p90(), 1e-9);
        assertEquals(95.05, s.p95(), 1e-9);
        assertEquals(99.01, s.p99(), 1e-9);
        assertEquals(1000.0 / 50.5, s.throughput(), 1e-9);
    }

    @Test
    void percentileInterpolatesBetweenRanks() {
        double[] sorted = {10, 20, 30, 40};
        assertEquals(10, LatencyStats.percentile(sorted, 0));
        assertEquals(40, LatencyStats.percentile(sorted, 100));
        assertEquals(25, LatencyStats.percentile(sorted, 50), 1e-12);
        assertEquals(37, LatencyStats.percentile(sorted, 90), 1e-12); // rank 2.7: 30 + 0.7 * 10
    }

    @Test
    void coefficientOfVariationIsSampleStdOverMean() {
        LatencyStats s = LatencyStats.ofMillis(new double[] {1, 2, 3, 4});
        assertEquals(Math.sqrt(5.0 / 3.0) / 2.5, s.cv(), 1e-12);
        assertTrue(s.noisy());
        LatencyStats steady = LatencyStats.ofMillis(new double[] {10, 10.1, 9.9, 10, 10.05});
        assertFalse(steady.noisy(), "cv " + steady.cv());
    }

    @Test
    void nanosAreConvertedToMillis() {
        LatencyStats s = LatencyStats.ofNanos(new long[] {2_000_000, 4_000_000, 3_000_000});
        assertEquals(2, s.min(), 1e-12);
        assertEquals(3, s.median(), 1e-12);
        assertEquals(4, s.max(), 1e-12);
    }

    @Test
    void singleSampleHasNoSpread() {
        LatencyStats s = LatencyStats.ofMillis(new double[] {7});
        assertEquals(7, s.p99());
        assertEquals(0, s.cv());
    }

    @Test
    void orderedOnRandomSamples() {
        Random rnd = new Random(3);
        for (int n : new int[] {2, 3, 11, 257}) {
            double[] ms = new double[n];
            for (int i = 0; i < n; i++) ms[i] = 0.1 + rnd.nextDouble() * 5;
            LatencyStats s = LatencyStats.ofMillis(ms);
            assertTrue(s.min() <= s.median() && s.median() <= s.p90() && s.p90() <= s.p95() && s.p95() <= s.p99()
                    && s.p99() <= s.max(), s.toString());
            assertTrue(s.min() <= s.mean() && s.mean() <= s.max(), s.toString());
        }
    }

    @Test
    void badInputIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> LatencyStats.ofMillis(new double[0]));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> LatencyStats.percentile(new double[] {1}, 101));
        assertTrue(e.getMessage().contains("101"), e.getMessage());
    }
}
