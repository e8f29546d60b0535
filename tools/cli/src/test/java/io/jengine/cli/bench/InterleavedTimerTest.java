package io.jengine.cli.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Blocks of runs alternate between targets, and timing stops only when every target has its time and its runs. */
class InterleavedTimerTest {
    /** Busy-waits about {@code micros}, so that a run takes measurable time without sleeping the thread. */
    static void spin(long micros) {
        long end = System.nanoTime() + micros * 1000;
        while (System.nanoTime() < end) Thread.onSpinWait();
    }

    @Test
    void targetsAlternateAndEachGetsItsRuns() {
        List<Character> calls = new ArrayList<>();
        InterleavedTimer.Target fast = () -> { calls.add('f'); spin(200); };
        InterleavedTimer.Target slow = () -> { calls.add('s'); spin(2000); };
        InterleavedTimer timer = new InterleavedTimer(List.of(fast, slow), new long[] {200_000, 2_000_000}, 5_000_000);
        long[][] nanos = timer.measure(0.15, 10);
        assertEquals(2, nanos.length);
        assertEquals(calls.stream().filter(c -> c == 'f').count(), nanos[0].length);
        assertEquals(calls.stream().filter(c -> c == 's').count(), nanos[1].length);
        for (long[] t : nanos) {
            assertTrue(t.length >= 10, "at least the minimum runs: " + t.length);
            long total = 0;
            for (long n : t) {
                assertTrue(n > 0);
                total += n;
            }
            assertTrue(total >= 150_000_000L, "each target ran for the duration: " + total);
        }
        assertTrue(nanos[0].length > nanos[1].length, "the fast target ran more often in the same time");
        int switches = 0;
        for (int i = 1; i < calls.size(); i++) if (calls.get(i) != calls.get(i - 1)) switches++;
        assertTrue(switches >= 4, "blocks alternate (" + switches + " switches), not one target then the other");
    }

    @Test
    void blocksLastAsLongAsTheSlowestRun() {
        InterleavedTimer.Target fast = () -> spin(200);
        InterleavedTimer.Target slow = () -> spin(4000);
        // Blocks of 0.5 ms alone would give the slow target 4 ms per round against the fast one's 0.5 ms, so that it
        // ran for about 8 times the duration while the fast one caught up.
        long[][] nanos = new InterleavedTimer(List.of(fast, slow), new long[] {200_000, 4_000_000}, 500_000).measure(0.1, 10);
        long fastTotal = 0, slowTotal = 0;
        for (long n : nanos[0]) fastTotal += n;
        for (long n : nanos[1]) slowTotal += n;
        assertTrue(slowTotal < 3 * fastTotal, "slow " + slowTotal / 1e6 + " ms, fast " + fastTotal / 1e6 + " ms");
    }

    @Test
    void minimumRunsOutlastTheDuration() {
        int[] runs = {0};
        InterleavedTimer timer = new InterleavedTimer(List.of(() -> runs[0]++), new long[] {1});
        long[][] nanos = timer.measure(1e-9, 25);
        assertTrue(nanos[0].length >= 25 && runs[0] == nanos[0].length, "runs " + nanos[0].length);
    }

    @Test
    void warmUpRunsEveryTargetAndRecordsNothing() {
        int[] a = {0}, b = {0};
        new InterleavedTimer(List.of(() -> a[0]++, () -> b[0]++), new long[] {1000, 1000}).warmUp(0.01);
        assertTrue(a[0] > 0 && b[0] > 0);
    }

    @Test
    void warmUpGoesOnWhileTheJitCompilesAndStopsOnceItSettles() {
        int[] runs = {0};
        InterleavedTimer timer = new InterleavedTimer(List.of(() -> runs[0]++), new long[] {1000});
        // busy for the first two windows (100 ms of compiling each), then quiet
        long[] jit = {0};
        int[] asked = {0};
        double took = timer.warmUp(0, 30, () -> asked[0]++ < 3 ? (jit[0] += 100) : jit[0]);
        assertTrue(took >= 2.9 && took < 10, "warm-up took " + took + " s");
        assertEquals(4, asked[0], "one reading before the first window and one after each");
    }

    @Test
    void warmUpWithoutJitFiguresOrPastItsBoundStops() {
        InterleavedTimer timer = new InterleavedTimer(List.of(() -> { }), new long[] {1000});
        assertTrue(timer.warmUp(0.05, 30, () -> -1) < 0.5, "no JIT figures: the fixed warm-up only");
        long[] jit = {0};
        double took = timer.warmUp(0, 1.5, () -> jit[0] += 1000);
        assertTrue(took >= 1.5 && took < 3.5, "a JIT that never settles stops at the bound: " + took + " s");
    }

    @Test
    void oneFirstTimePerTarget() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new InterleavedTimer(List.of(() -> { }), new long[] {1, 2}));
        assertTrue(e.getMessage().contains("one first-run time per target"), e.getMessage());
    }
}
