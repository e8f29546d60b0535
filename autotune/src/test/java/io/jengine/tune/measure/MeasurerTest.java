package io.jengine.tune.measure;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jengine.ir.Node;
import io.jengine.runtime.KernelTrial;
import io.jengine.spi.Kernel;
import io.jengine.spi.KernelContext;
import io.jengine.tensor.Value;
import io.jengine.tune.cache.Timing;
import org.junit.jupiter.api.Test;

/** The measurement's stopping rules, on kernels that take a known time (busy waits, so no scheduler sleeps). */
public class MeasurerTest {
    private static final Measurer MEASURER = new Measurer(0.005, 0.01, 0.05, 5, 200, 3);

    private static KernelTrial trial() {
        return new KernelTrial(Node.builder("Identity").name("n").inputs("x").outputs("y").build(), new Value[1], 1);
    }

    private static void spin(double ms) {
        long end = System.nanoTime() + (long) (ms * 1e6);
        while (System.nanoTime() < end) Thread.onSpinWait();
    }

    /** A Java kernel taking {@code ms} a run, counting its runs. */
    private static final class Timed implements Kernel {
        final double ms;
        int runs;

        Timed(double ms) { this.ms = ms; }

        @Override
        public void run(KernelContext ctx) {
            runs++;
            spin(ms);
        }
    }

    @Test
    void aKernelFarSlowerThanItsRivalIsTimedInOneWindow() {
        Timed alone = new Timed(0.5), raced = new Timed(0.5);
        Timing a = MEASURER.time(trial(), alone);
        Timing r = MEASURER.time(trial(), raced, 0.2);
        assertTrue(raced.runs < alone.runs, "raced " + raced.runs + " runs, alone " + alone.runs);
        assertEquals(0.5, r.medianMs(), 0.25);
        assertEquals(0.5, a.medianMs(), 0.25);
    }

    @Test
    void aLongWarmUpEndsOnceTheKernelRunsAtTheExpectedSpeed() {
        // slow for its first 20 runs, as code waiting for the optimizing compiler is
        Kernel k = new Kernel() {
            int runs;

            @Override
            public void run(KernelContext ctx) { spin(runs++ < 20 ? 3 : 0.3); }
        };
        long start = System.nanoTime();
        Timing t = MEASURER.withWarmup(3, 1.0).time(trial(), k);
        double seconds = (System.nanoTime() - start) / 1e9;
        assertTrue(seconds < 1.5, "warm-up took " + seconds + " s of the 3 allowed");
        assertEquals(0.3, t.medianMs(), 0.2);
    }

    @Test
    void aWarmUpOutlastsAKernelThatIsStillSpeedingUp() {
        // each of the first 30 runs faster than the one before, by more than a tenth
        Kernel k = new Kernel() {
            int runs;

            @Override
            public void run(KernelContext ctx) {
                spin(runs < 30 ? 0.3 + 10 * Math.pow(0.85, runs) : 0.3);
                runs++;
            }

            @Override
            public boolean compiledByJit() { return false; }
        };
        Timing t = MEASURER.time(trial(), k);
        // stopped after three runs, it would have timed runs of 5 ms and more
        assertTrue(t.medianMs() < 1.2, "timed once it stopped getting faster: " + t.medianMs() + " ms");
    }
}
