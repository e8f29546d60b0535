package io.jengine.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

class MemoryPlanTest {
    @Test
    void buffersAliveAtDifferentStepsShareBytes() {
        // a chain: each buffer lives from its step to the next one
        long[] sizes = {1000, 1000, 1000, 1000};
        int[] first = {0, 1, 2, 3}, last = {1, 2, 3, 3};
        MemoryPlan p = MemoryPlan.of(sizes, first, last, 4);
        assertEquals(2 * 1024, p.arenaBytes());
        assertEquals(2 * 1024, p.peakLiveBytes());
        assertTrue(p.offset(0) != p.offset(1));
        assertEquals(p.offset(0), p.offset(2));
    }

    @Test
    void randomLifetimesNeverOverlapInMemoryAndStayNearThePeak() {
        Random r = new Random(7);
        for (int trial = 0; trial < 50; trial++) {
            int n = 1 + r.nextInt(60), steps = 1 + r.nextInt(40);
            long[] sizes = new long[n];
            int[] first = new int[n], last = new int[n];
            for (int b = 0; b < n; b++) {
                sizes[b] = 1 + r.nextInt(100_000);
                first[b] = r.nextInt(steps);
                last[b] = first[b] + r.nextInt(Math.max(1, steps - first[b]));
            }
            MemoryPlan p = MemoryPlan.of(sizes, first, last, steps);
            for (int a = 0; a < n; a++) {
                assertEquals(0, p.offset(a) % MemoryPlan.ALIGNMENT);
                assertTrue(p.offset(a) + sizes[a] <= p.arenaBytes());
                for (int b = a + 1; b < n; b++) {
                    boolean live = first[a] <= last[b] && first[b] <= last[a];
                    boolean apart = p.offset(a) + sizes[a] <= p.offset(b) || p.offset(b) + sizes[b] <= p.offset(a);
                    assertTrue(!live || apart, "buffers " + a + " and " + b + " overlap in time and memory");
                }
            }
            assertTrue(p.arenaBytes() >= p.peakLiveBytes());
            assertTrue(p.arenaBytes() <= 2 * p.peakLiveBytes(), "arena " + p.arenaBytes() + " vs peak " + p.peakLiveBytes());
        }
    }
}
