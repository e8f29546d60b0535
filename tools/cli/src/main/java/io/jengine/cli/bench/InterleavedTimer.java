package io.jengine.cli.bench;

import java.util.Arrays;
import java.util.List;

/**
 * Times one or more targets in the same process by alternating short blocks of runs of each (about
 * {@link #BLOCK_NANOS} per block, or one run of the slowest target if longer), first for a warm-up period, then for the timed period, so that every target sees
 * the same machine noise (a neighbour's build, frequency changes) instead of one getting the quiet minute and the
 * other the busy one.
 *
 * <p>Between one target's block and the next target's, the timer pauses {@link #SETTLE_NANOS}: both engines leave
 * idle worker threads spinning for a while after a run (ONNX Runtime's pool, OpenMP under oneDNN), and without the
 * pause those spinners would take cores from the next target's first runs, charging one engine for the other's
 * threads.
 */
public final class InterleavedTimer {
    /** Something to time: one inference. */
    @FunctionalInterface
    public interface Target {
        void runOnce();
    }

    /**
     * Long enough for caches and the thread pool to settle into a target, short enough to interleave finely. At 50 ms
     * a block of a 15 ms model was three runs, one of them on caches the other engine had just filled with its own
     * weights: that measured the switch more than either engine.
     */
    static final long BLOCK_NANOS = 250_000_000L;
    /** Long enough for idle spinning workers to go to sleep; not timed. */
    static final long SETTLE_NANOS = 20_000_000L;
    /** Bounds a block when a target is near-instant (or its first time was), so that blocks still alternate. */
    static final long MAX_BLOCK_RUNS = 10_000;

    private final List<Target> targets;
    private final double[] meanNanos;
    private final long blockNanos;

    /** {@code targets} must each have been run once already (it gives a first estimate of their latency). */
    public InterleavedTimer(List<Target> targets, long[] firstRunNanos) {
        this(targets, firstRunNanos, BLOCK_NANOS);
    }

    /** With another block length: tests use short blocks so that alternation shows within a short run. */
    InterleavedTimer(List<Target> targets, long[] firstRunNanos, long blockNanos) {
        if (targets.isEmpty() || targets.size() != firstRunNanos.length) {
            throw new IllegalArgumentException("expected one first-run time per target, got " + firstRunNanos.length
                    + " for " + targets.size() + " targets");
        }
        this.targets = List.copyOf(targets);
        this.blockNanos = blockNanos;
        this.meanNanos = new double[targets.size()];
        for (int i = 0; i < meanNanos.length; i++) meanNanos[i] = Math.max(1, firstRunNanos[i]);
    }

    /** Runs blocks of every target in turn until {@code seconds} of wall time have passed; results are discarded. */
    public void warmUp(double seconds) {
        long end = System.nanoTime() + (long) (seconds * 1e9);
        do {
            for (int i = 0; i < targets.size(); i++) block(i, null);
        } while (System.nanoTime() < end);
    }

    /**
     * {@link #warmUp(double)}, then more rounds until the JIT compiler has settled: a window of {@link #JIT_WINDOW_NANOS}
     * in which it compiled for at most {@link #JIT_QUIET_MILLIS} ms ({@code jitMillis}: its total compile time so far,
     * or -1 where the JVM does not tell), or until {@code maxSeconds} in all. Until the hot vector kernels reach the
     * optimizing compiler they run in the profiling tier, where the Vector API is emulated on the heap and runs
     * several times slower; on two cores that takes far longer than a second, and timing it would measure the JIT,
     * not the engine. Returns the seconds the warm-up took.
     */
    public double warmUp(double seconds, double maxSeconds, java.util.function.LongSupplier jitMillis) {
        long start = System.nanoTime();
        warmUp(seconds);
        long limit = start + (long) (Math.max(seconds, maxSeconds) * 1e9);
        long before = jitMillis.getAsLong();
        while (before >= 0 && System.nanoTime() < limit) {
            long windowEnd = System.nanoTime() + JIT_WINDOW_NANOS;
            do {
                for (int i = 0; i < targets.size(); i++) block(i, null);
            } while (System.nanoTime() < windowEnd);
            long now = jitMillis.getAsLong();
            if (now - before <= JIT_QUIET_MILLIS) break;
            before = now;
        }
        return (System.nanoTime() - start) / 1e9;
    }

    /** The window in which the JIT compiler must stay (nearly) idle for the warm-up to end. */
    static final long JIT_WINDOW_NANOS = 1_000_000_000L;
    /** Compile time allowed in that window: stray compilations of cold code never stop entirely. */
    static final long JIT_QUIET_MILLIS = 20;

    /**
     * Runs blocks of every target in turn until each has spent {@code seconds} in its own runs and run at least
     * {@code minRuns} times. Returns each target's latencies in nanoseconds, in the order they ran.
     */
    public long[][] measure(double seconds, int minRuns) {
        long goal = (long) (seconds * 1e9);
        Samples[] samples = new Samples[targets.size()];
        for (int i = 0; i < samples.length; i++) samples[i] = new Samples();
        boolean done;
        do {
            done = true;
            for (int i = 0; i < targets.size(); i++) {
                block(i, samples[i]);
                done &= samples[i].total >= goal && samples[i].count >= minRuns;
            }
        } while (!done);
        long[][] out = new long[samples.length][];
        for (int i = 0; i < out.length; i++) out[i] = Arrays.copyOf(samples[i].nanos, samples[i].count);
        return out;
    }

    private void block(int i, Samples into) {
        Target t = targets.get(i);
        if (targets.size() > 1) settle();
        // A block lasts at least one run of the slowest target, so every target gets the same time per round and
        // a fast one does not drag a slow one through extra rounds (and minutes) to reach its own total.
        double length = blockNanos;
        for (double m : meanNanos) length = Math.max(length, m);
        long runs = Math.clamp(Math.round(length / meanNanos[i]), 1, MAX_BLOCK_RUNS);
        for (long r = 0; r < runs; r++) {
            long t0 = System.nanoTime();
            t.runOnce();
            long dt = System.nanoTime() - t0;
            // A running estimate is enough to size blocks; it follows the target as it warms up.
            meanNanos[i] = 0.8 * meanNanos[i] + 0.2 * dt;
            if (into != null) into.add(dt);
        }
    }

    private static void settle() {
        try {
            Thread.sleep(java.time.Duration.ofNanos(SETTLE_NANOS));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static final class Samples {
        long[] nanos = new long[256];
        int count;
        long total;

        void add(long dt) {
            if (count == nanos.length) nanos = Arrays.copyOf(nanos, count * 2);
            nanos[count++] = dt;
            total += dt;
        }
    }
}
