package io.jengine.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.jengine.opt.Roofline;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The machine's peak float32 compute (GFLOP/s, SIMD fused multiply-adds on every core) and memory bandwidth (GB/s,
 * streaming a buffer far larger than the caches on every core), measured once by a short micro-benchmark and cached
 * under ~/.cache/jengine, keyed by core count and vector width. Best of several repetitions, as peaks are.
 */
final class MachinePeaks {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int CORES = Runtime.getRuntime().availableProcessors();

    private MachinePeaks() {}

    static Roofline get(boolean remeasure, PrintStream progress) {
        Path cache = cacheFile();
        if (!remeasure && Files.isRegularFile(cache)) {
            try {
                Map<?, ?> m = new ObjectMapper().readValue(cache.toFile(), Map.class);
                if (key().equals(m.get("key"))) {
                    return new Roofline(((Number) m.get("peak_gflops")).doubleValue(), ((Number) m.get("peak_gbps")).doubleValue());
                }
            } catch (IOException | RuntimeException e) {
                // A damaged cache is measured again.
            }
        }
        progress.println("measuring this machine's peak compute and bandwidth (once; cached in " + cache + ") ...");
        Roofline r = new Roofline(measureGflops(), measureGBps());
        try {
            Files.createDirectories(cache.getParent());
            new ObjectMapper().writeValue(cache.toFile(), Map.of("key", key(), "peak_gflops", r.peakGflops(),
                    "peak_gbps", r.peakGBps()));
        } catch (IOException e) {
            progress.println("note: could not cache machine peaks: " + e.getMessage());
        }
        return r;
    }

    private static String key() { return CORES + " cores, " + S.length() + " float lanes"; }

    private static Path cacheFile() {
        String xdg = System.getenv("XDG_CACHE_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
        return base.resolve("jengine").resolve("machine-peaks.json");
    }

    /** Eight independent FMA chains per core keep the FMA units busy; 2 FLOPs per lane per FMA. */
    static double measureGflops() {
        long iterations = 20_000_000L / S.length() * 16;
        double best = 0;
        for (int rep = 0; rep < 5; rep++) {
            long t0 = System.nanoTime();
            double sink = onAllCores(() -> {
                FloatVector a = FloatVector.broadcast(S, 0.999f), b = FloatVector.broadcast(S, 1e-7f);
                FloatVector c0 = FloatVector.zero(S), c1 = c0, c2 = c0, c3 = c0, c4 = c0, c5 = c0, c6 = c0, c7 = c0;
                for (long i = 0; i < iterations; i++) {
                    c0 = c0.fma(a, b); c1 = c1.fma(a, b); c2 = c2.fma(a, b); c3 = c3.fma(a, b);
                    c4 = c4.fma(a, b); c5 = c5.fma(a, b); c6 = c6.fma(a, b); c7 = c7.fma(a, b);
                }
                return (double) c0.add(c1).add(c2).add(c3).add(c4).add(c5).add(c6).add(c7).reduceLanes(VectorOperators.ADD);
            });
            double seconds = (System.nanoTime() - t0) / 1e9;
            if (sink != 42) best = Math.max(best, 2.0 * 8 * S.length() * iterations * CORES / seconds / 1e9);
        }
        return best;
    }

    /** Each core sums its own 64 MiB float array with SIMD loads: bytes read per second. */
    static double measureGBps() {
        int floats = 16 << 20;
        List<float[]> buffers = new ArrayList<>();
        for (int c = 0; c < CORES; c++) {
            float[] a = new float[floats];
            java.util.Arrays.fill(a, 1e-3f);
            buffers.add(a);
        }
        double best = 0;
        for (int rep = 0; rep < 5; rep++) {
            long t0 = System.nanoTime();
            int[] next = {0};
            double sink = onAllCores(() -> {
                float[] a;
                synchronized (next) { a = buffers.get(next[0]++); }
                FloatVector acc = FloatVector.zero(S);
                for (int i = 0; i < a.length; i += S.length()) acc = acc.add(FloatVector.fromArray(S, a, i));
                return (double) acc.reduceLanes(VectorOperators.ADD);
            });
            double seconds = (System.nanoTime() - t0) / 1e9;
            if (sink != 42) best = Math.max(best, 4.0 * floats * CORES / seconds / 1e9);
        }
        return best;
    }

    private static double onAllCores(Callable<Double> work) {
        try (ExecutorService pool = Executors.newFixedThreadPool(CORES)) {
            List<Future<Double>> fs = new ArrayList<>();
            for (int c = 0; c < CORES; c++) fs.add(pool.submit(work));
            double sum = 0;
            for (Future<Double> f : fs) sum += f.get();
            return sum;
        } catch (Exception e) {
            throw new IllegalStateException("machine benchmark failed: " + e.getMessage(), e);
        }
    }
}
