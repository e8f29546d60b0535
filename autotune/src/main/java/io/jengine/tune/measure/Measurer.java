package io.jengine.tune.measure;

import io.jengine.runtime.KernelTrial;
import io.jengine.spi.Kernel;
import io.jengine.tune.cache.Timing;
import java.util.Arrays;

/**
 * Times one kernel on its layer: runs it until it is warm (the JIT has compiled its loops, caches hold its weights),
 * then in windows of runs, each until enough runs are in and their spread is small or its time is spent, until a
 * window is no faster than the best before it. The best window's median is the figure, its interquartile range over
 * the median the spread: medians, since one descheduled run on a shared machine must not decide a choice.
 */
public final class Measurer {
    private final double warmupSeconds, minSeconds, maxSeconds;
    private final int minRuns, maxRuns;
    private final double targetSpreadPercent;

    /**
     * @param warmupSeconds untimed runs go on at least this long (and at least three runs, and until a run is no
     *                      longer much faster than the ones before)
     * @param minSeconds    timed runs go on at least this long (and at least {@code minRuns})
     * @param maxSeconds    and stop at this long or {@code maxRuns}, whichever comes first, even if the spread is wide
     */
    public Measurer(double warmupSeconds, double minSeconds, double maxSeconds, int minRuns, int maxRuns,
                    double targetSpreadPercent) {
        this(warmupSeconds, minSeconds, maxSeconds, minRuns, maxRuns, targetSpreadPercent, null, Double.NaN);
    }

    private Measurer(double warmupSeconds, double minSeconds, double maxSeconds, int minRuns, int maxRuns,
                     double targetSpreadPercent, float[] evict, double reachedMs) {
        this.evict = evict;
        this.reachedMs = reachedMs;
        this.warmupSeconds = warmupSeconds;
        this.minSeconds = minSeconds;
        this.maxSeconds = maxSeconds;
        this.minRuns = minRuns;
        this.maxRuns = maxRuns;
        this.targetSpreadPercent = targetSpreadPercent;
    }

    /** The same measurement after at least {@code seconds} of untimed runs. */
    public Measurer withWarmup(double seconds) {
        return withWarmup(seconds, Double.NaN);
    }

    /**
     * The same measurement after {@code seconds} of untimed runs, or fewer once {@value #REACHED_RUNS} runs in a row
     * took under {@code reachedMs}: a kernel waiting for the JIT compiler is warm once it runs at the speed expected
     * of it, and the compiler is often done well before the time allowed.
     */
    public Measurer withWarmup(double seconds, double reachedMs) {
        return new Measurer(Math.max(seconds, warmupSeconds), minSeconds, maxSeconds, minRuns, maxRuns,
                targetSpreadPercent, evict, reachedMs);
    }

    /**
     * The same measurement with {@code bytes} of other data written before every timed run, so that the layer's weights
     * and inputs are no longer in the core's private caches, as inside a model, where every other layer has been
     * through them since. Timed with its operands hot, cpu-simd's GEMM ran BERT's 256 x 256 projection in 0.216 ms
     * and oneDNN's in 0.173 ms; with L2 evicted first, 0.313 and 0.174 ms: inside the model they took 0.33 and 0.13.
     */
    public Measurer evicting(long bytes) {
        float[] e = new float[(int) Math.min(Integer.MAX_VALUE - 16, Math.max(0, bytes / 4))];
        return new Measurer(warmupSeconds, minSeconds, maxSeconds, minRuns, maxRuns, targetSpreadPercent, e, reachedMs);
    }

    /**
     * Writes one float per cache line of the eviction buffer (plain array accesses: nothing the kernels share).
     * Writes, not reads: the caches keep a read-only stream from displacing what they hold, as they should.
     */
    private void evict() {
        float[] e = evict;
        if (e == null || e.length == 0) return;
        float s = 0;
        for (int i = 0; i < e.length; i += 16) {
            e[i] += 1;
            s += e[i];
        }
        evictSink = s;
    }

    private final float[] evict;
    /** A warm-up may end early once runs take less than this (NaN: no such target). */
    private final double reachedMs;
    /** Keeps the eviction accesses from being optimized away. */
    @SuppressWarnings("unused")
    private static volatile float evictSink;

    /** Short enough that a model's layers are tuned in seconds, long enough for a stable median on a quiet core. */
    public static Measurer standard() { return new Measurer(0.02, 0.01, 0.05, 5, 200, 3); }

    public Timing time(KernelTrial trial, Kernel kernel) {
        return time(trial, kernel, Double.POSITIVE_INFINITY);
    }

    /**
     * As {@link #time(KernelTrial, Kernel)}, racing a rival that took {@code rivalMs}: a kernel whose first window
     * is over {@link #RACE} times that slow cannot win, so its first window is its figure. Later windows only ever
     * took a few percent off a warmed-up kernel, and each costs a tenth of a second.
     */
    public Timing time(KernelTrial trial, Kernel kernel, double rivalMs) {
        warmUp(trial, kernel);
        // Windows of timed runs until one is no faster than the best before it: a Java kernel that is still being
        // compiled (tiered compilation leaves quiet gaps between its C1 and C2 versions) keeps getting faster. The
        // figure is the best window's median: interference from the rest of the machine only ever adds time.
        long begin = System.nanoTime();
        double[] best = window(trial, kernel);
        // Native code does not speed up as it runs: one window is its figure.
        boolean settled = !kernel.compiledByJit() || median(best) > RACE * rivalMs;
        while (!settled) {
            double[] next = window(trial, kernel);
            settled = median(next) >= 0.95 * median(best);
            if (median(next) < median(best)) best = next;
            if ((System.nanoTime() - begin) / 1e9 >= MAX_WARMUP_SECONDS) break;
        }
        return new Timing(Math.max(1e-6, median(best)), spread(best, best.length), best.length);
    }

    /** One window of timed runs: at least {@code minRuns} and {@code minSeconds}, until the spread is small or the budget is spent. */
    private double[] window(KernelTrial trial, Kernel kernel) {
        double[] ms = new double[Math.max(minRuns, Math.min(maxRuns, 1024))];
        int runs = 0;
        long timedStart = System.nanoTime();
        while (runs < ms.length) {
            evict();
            long t0 = System.nanoTime();
            trial.run(kernel);
            double wall = (System.nanoTime() - t0) / 1e6, device = trial.lastKernelMillis();
            // a device's kernels by the device's clock: the host's launch and wait are not the kernel's
            ms[runs++] = Double.isNaN(device) ? wall : device;
            if (runs < minRuns || runs % 4 != 0) continue; // between timed runs, as little else as possible
            double elapsed = (System.nanoTime() - timedStart) / 1e9;
            if (elapsed >= minSeconds && spread(ms, runs) <= targetSpreadPercent) break;
            if (elapsed >= maxSeconds) break;
        }
        return Arrays.copyOf(ms, runs);
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s[s.length / 2];
    }

    /**
     * Runs the kernel untimed until it is what a long-running engine would run: at least {@code warmupSeconds}, and
     * then until the JIT compiler has finished nothing for {@link #QUIET_SECONDS}. Vector API code runs a hundred times
     * slower before C2 compiles it, so a kernel timed in its first moments in a fresh JVM would lose to any native one.
     * The compiler's total time only grows when a compilation ends, so the quiet window is long enough to outlast one
     * compilation of a large kernel; it counts from the compiler's last change, which may lie in an earlier
     * candidate's warm-up, so that once everything is compiled a candidate needs only its few runs. A compilation
     * that began after the last one ended is invisible to that figure, so a Java kernel is also run until the JVM's
     * own threads ({@link BackgroundCpu}) have been nearly idle over a stretch of its runs: timed as soon as the
     * figure was quiet, a plugin's kernel new to a long-running JVM once ran interpreted, 100 times slower. Bounded by
     * {@link #MAX_WARMUP_SECONDS}, since other threads may keep the compiler busy. A kernel whose work is native code
     * ({@link Kernel#compiledByJit()} false) does not wait for the compiler: early in a build it compiles for seconds,
     * and that wait was half of ResNet-50's tuning time.
     */
    private void warmUp(KernelTrial trial, Kernel kernel) {
        long start = System.nanoTime();
        int runs = 0;
        double fastestBefore = Double.POSITIVE_INFINITY;
        int underTarget = 0;
        long backgroundSince = start, background = BackgroundCpu.nanos();
        while (true) {
            long before = System.nanoTime();
            trial.run(kernel);
            runs++;
            long now = System.nanoTime();
            boolean jit = kernel.compiledByJit(); // after the run: a native kernel says whether it ran a Java pass
            // Still getting faster: even a native kernel has some Java around it (an activation, a reorder) that
            // runs interpreted in a young JVM: ResNet-50's first convolution took 13 ms in its first window, 0.6 after.
            double last = (now - before) / 1e6;
            boolean speedingUp = last < STEADY * fastestBefore;
            fastestBefore = Math.min(fastestBefore, last);
            underTarget = last < reachedMs ? underTarget + 1 : 0;
            long compiled = compileMillis();
            if (compiled != lastCompileMillis) {
                lastCompileMillis = compiled;
                lastCompileChange = now;
            }
            double elapsed = (now - start) / 1e9;
            boolean quiet = !jit || compiled < 0 || (now - lastCompileChange) / 1e9 >= QUIET_SECONDS;
            if (runs >= 3 && elapsed >= warmupSeconds && quiet && !speedingUp) {
                // The compiler may be at work on this very kernel, started after the last compilation that ended:
                // warm once the JVM's own threads have been nearly idle over a stretch of runs.
                if (!jit || background < 0) return;
                if (now - backgroundSince >= BACKGROUND_WINDOW_NANOS) {
                    long b = BackgroundCpu.nanos();
                    if (b < 0 || b - background < BACKGROUND_BUSY * (now - backgroundSince)) return;
                    backgroundSince = now;
                    background = b;
                }
            }
            if (underTarget >= REACHED_RUNS) return;
            if (elapsed >= MAX_WARMUP_SECONDS) return;
        }
    }

    private static final double QUIET_SECONDS = 0.1, MAX_WARMUP_SECONDS = 5;
    /**
     * The stretch over which the JVM's own threads must have used under {@link #BACKGROUND_BUSY} of a core for a
     * Java kernel to count as compiled (the first one is the warm-up's first 20 ms, so a quiet JVM adds no time): a
     * compilation of a large kernel keeps a compiler thread busy for tens to hundreds of milliseconds, an idle JVM
     * uses a few percent, and the two CPU clocks read over 20 ms agree to a quarter of a core.
     */
    private static final long BACKGROUND_WINDOW_NANOS = 20_000_000;
    private static final double BACKGROUND_BUSY = 0.3;
    /** How many times a rival's time a first window must take to end the measurement there. */
    static final double RACE = 1.3;
    /** A warm-up run under this fraction of the fastest before it shows the kernel still speeding up. */
    private static final double STEADY = 0.9;
    /** Runs in a row at the expected speed that end a long warm-up. */
    private static final int REACHED_RUNS = 5;
    private static final java.lang.management.CompilationMXBean JIT =
            java.lang.management.ManagementFactory.getCompilationMXBean();
    /** The compiler's total time when last seen to change, and when; shared by every measurement of the process. */
    private static long lastCompileMillis = -2, lastCompileChange = System.nanoTime();

    /** The JIT compiler's total time so far, or -1 where the JVM does not say. */
    private static long compileMillis() {
        return JIT != null && JIT.isCompilationTimeMonitoringSupported() ? JIT.getTotalCompilationTime() : -1;
    }

    /** Interquartile range over the median, in percent. */
    static double spread(double[] ms, int runs) {
        double[] s = Arrays.copyOf(ms, runs);
        Arrays.sort(s);
        double median = s[runs / 2];
        if (!(median > 0)) return 0;
        return 100 * (s[(3 * runs) / 4 >= runs ? runs - 1 : (3 * runs) / 4] - s[runs / 4]) / median;
    }
}
