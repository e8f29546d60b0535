package io.jengine.tune.device;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Peak FP32 compute and per-level read bandwidth, measured with the Vector API on 64-byte aligned native memory, as
 * the SIMD kernels run on tensors, so that the model's ceilings are ones this engine's code can reach. Each number is
 * the best of a few runs of about {@link #TARGET_NANOS}: a peak is what the machine can do, and a slower run was
 * disturbed.
 */
final class PeakProbe {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final ByteOrder ORDER = ByteOrder.nativeOrder();
    /** Eight accumulators: enough independent FMAs (or adds) in flight to cover latency × ports on current cores. */
    private static final int CHAINS = 8;
    private static final long TARGET_NANOS = 20_000_000, CALIBRATE_NANOS = 4_000_000;
    private static final int REPS = 3;
    /** Compiled code runs at least this many times faster than the first, interpreted calls; see {@link #compile}. */
    private static final double COMPILED_SPEEDUP = 100;
    private static final long COMPILE_LIMIT_NANOS = 2_000_000_000L;
    private static volatile double sink;
    private static volatile boolean fmaCompiled, sumCompiled;

    private PeakProbe() {}

    /** FP32 GFLOP/s of one thread, and of all threads together. */
    record Compute(double perCore, double allCores) {}

    /** One thread, then {@code threads} threads, each running the same independent FMA chains. */
    static Compute fmaGflops(int threads) {
        if (!fmaCompiled) {
            compile(() -> sink += fma(1000), 100);
            fmaCompiled = true;
        }
        long[] iterations = {0};
        double perThread = bestRate(n -> {
            iterations[0] = n;
            sink += fma(n);
        });
        long n = iterations[0];
        double best = 0;
        try (ExecutorService pool = Executors.newFixedThreadPool(threads)) {
            for (int rep = 0; rep < REPS; rep++) {
                CountDownLatch ready = new CountDownLatch(threads), go = new CountDownLatch(1);
                List<Future<Double>> done = new ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    done.add(pool.submit(() -> {
                        ready.countDown();
                        go.await();
                        return fma(n);
                    }));
                }
                ready.await();
                long t0 = System.nanoTime();
                go.countDown();
                for (Future<Double> f : done) sink += f.get();
                best = Math.max(best, (double) n * threads / (System.nanoTime() - t0) * 1e9);
            }
        } catch (Exception e) {
            throw new IllegalStateException("the all-core FMA benchmark failed: " + e.getMessage(), e);
        }
        double flopsPerIteration = 2.0 * CHAINS * S.length();
        // However busy the other cores are, all of them together do at least what one does.
        return new Compute(perThread * flopsPerIteration / 1e9, Math.max(best, perThread) * flopsPerIteration / 1e9);
    }

    /** GB/s of one thread summing {@code workingSetBytes} of floats again and again with vector loads. */
    static double readGBps(long workingSetBytes) {
        long unit = (long) CHAINS * S.vectorByteSize();
        try (Arena arena = Arena.ofConfined()) {
            if (!sumCompiled) {
                MemorySegment small = arena.allocate(32 * unit, 64);
                compile(() -> sink += sum(small, 8), 10);
                sumCompiled = true;
            }
            MemorySegment a = arena.allocate(Math.max(unit, workingSetBytes / unit * unit), 64);
            a.fill((byte) 0x3a); // floats near 7e-4: no denormals, and no page left untouched
            return bestRate(passes -> sink += sum(a, passes)) * a.byteSize() / 1e9;
        }
    }

    private interface Work {
        void run(long units);
    }

    /**
     * Units per second: doubles the units until one run is long enough to time, scales to {@link #TARGET_NANOS}, and
     * keeps the best of {@link #REPS} runs. A run much shorter than the target means the code only now got faster
     * (compiled further); it is lengthened and not counted.
     */
    private static double bestRate(Work work) {
        long n = 1, t;
        while ((t = time(work, n)) < CALIBRATE_NANOS) n *= 2;
        n = Math.max(1, Math.round((double) n * TARGET_NANOS / t));
        double best = 0;
        for (int rep = 0, tries = 0; rep < REPS && tries < 4 * REPS; tries++) {
            t = time(work, n);
            if (t < TARGET_NANOS / 2) {
                n = Math.max(n + 1, Math.round((double) n * TARGET_NANOS / Math.max(t, 1)));
                continue;
            }
            best = Math.max(best, n * 1e9 / t);
            rep++;
        }
        return best > 0 ? best : n * 1e9 / Math.max(t, 1);
    }

    /**
     * Runs {@code call} in batches of {@code calls} until C2 has compiled it. Until then the Vector API runs its Java
     * fallback (interpreted, then compiled by C1) hundreds of times slower, so compiled code shows as batches
     * {@link #COMPILED_SPEEDUP} times faster than the slowest. The first batch does not count as the slowest: it also
     * loads and initializes the Vector API's classes, and C1 code would look fast beside it. The calls loop as the
     * measured runs do (many trips, inner and outer), since C2 compiles for the loop counts it has seen: warmed with
     * one-trip loops, it traps and falls back to slow code for seconds in the first long run. A time limit bounds
     * JVMs that never compile.
     */
    private static void compile(Runnable call, int calls) {
        long start = System.nanoTime(), slowest = 0;
        Work batch = n -> { for (int c = 0; c < calls; c++) call.run(); };
        time(batch, 1);
        for (int fast = 0; fast < 3 && System.nanoTime() - start < COMPILE_LIMIT_NANOS; ) {
            long t = time(batch, 1);
            slowest = Math.max(slowest, t);
            fast = t * COMPILED_SPEEDUP < slowest ? fast + 1 : 0;
        }
    }

    private static long time(Work work, long n) {
        long t0 = System.nanoTime();
        work.run(n);
        return System.nanoTime() - t0;
    }

    private static double fma(long iterations) {
        FloatVector a = FloatVector.broadcast(S, 0.999f), b = FloatVector.broadcast(S, 1e-7f);
        FloatVector c0 = FloatVector.zero(S), c1 = c0, c2 = c0, c3 = c0, c4 = c0, c5 = c0, c6 = c0, c7 = c0;
        for (long i = 0; i < iterations; i++) {
            c0 = c0.fma(a, b); c1 = c1.fma(a, b); c2 = c2.fma(a, b); c3 = c3.fma(a, b);
            c4 = c4.fma(a, b); c5 = c5.fma(a, b); c6 = c6.fma(a, b); c7 = c7.fma(a, b);
        }
        return c0.add(c1).add(c2).add(c3).add(c4).add(c5).add(c6).add(c7).reduceLanes(VectorOperators.ADD);
    }

    private static double sum(MemorySegment a, long passes) {
        long l = S.vectorByteSize(), bytes = a.byteSize();
        FloatVector s0 = FloatVector.zero(S), s1 = s0, s2 = s0, s3 = s0, s4 = s0, s5 = s0, s6 = s0, s7 = s0;
        for (long p = 0; p < passes; p++) {
            for (long i = 0; i < bytes; i += CHAINS * l) {
                s0 = s0.add(FloatVector.fromMemorySegment(S, a, i, ORDER));
                s1 = s1.add(FloatVector.fromMemorySegment(S, a, i + l, ORDER));
                s2 = s2.add(FloatVector.fromMemorySegment(S, a, i + 2 * l, ORDER));
                s3 = s3.add(FloatVector.fromMemorySegment(S, a, i + 3 * l, ORDER));
                s4 = s4.add(FloatVector.fromMemorySegment(S, a, i + 4 * l, ORDER));
                s5 = s5.add(FloatVector.fromMemorySegment(S, a, i + 5 * l, ORDER));
                s6 = s6.add(FloatVector.fromMemorySegment(S, a, i + 6 * l, ORDER));
                s7 = s7.add(FloatVector.fromMemorySegment(S, a, i + 7 * l, ORDER));
            }
        }
        return s0.add(s1).add(s2).add(s3).add(s4).add(s5).add(s6).add(s7).reduceLanes(VectorOperators.ADD);
    }
}
