package io.jengine.cpu.nativelib;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.jengine.cpu.nativelib.NativeSgemm.Library;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Prints GFLOP/s of the native tactics (a measurement, not an assertion); runs only with
 * {@code -Djengine.native.bench=true}, so the default build stays fast. Best and median of timed repetitions after a
 * warm-up, wall clock, one call at a time.
 */
class NativeThroughputReport {

    @Test
    void sgemm1024() {
        assumeTrue(Boolean.getBoolean("jengine.native.bench"), "set -Djengine.native.bench=true to measure");
        int n = 1024;
        try (Arena arena = Arena.ofConfined()) {
            Random r = new Random(1);
            MemorySegment a = NativeSgemmTest.floats(arena, NativeSgemmTest.random(r, n * n));
            MemorySegment b = NativeSgemmTest.floats(arena, NativeSgemmTest.random(r, n * n));
            MemorySegment c = arena.allocate((long) n * n * 4, 64);
            for (Library lib : Library.values()) {
                NativeAssumptions.assumeLoaded(lib);
                NativeSgemm gemm = NativeSgemm.of(lib).orElseThrow();
                for (int threads : new int[] {1, 2}) {
                    double[] s = time(10, () -> gemm.multiply(n, n, n, a, b, c, threads));
                    report("sgemm 1024^3 " + lib + " threads=" + threads, 2.0 * n * n * n, s);
                }
            }
        }
    }

    @Test
    void resnet50Conv3x3() {
        assumeTrue(Boolean.getBoolean("jengine.native.bench"), "set -Djengine.native.bench=true to measure");
        NativeAssumptions.assumeDnnl();
        ConvParams p = ConvParams.square(1, 64, 56, 64, 3, 1, 1, 1, 1);
        Random r = new Random(2);
        float[] w = NativeSgemmTest.random(r, (int) p.weightElements());
        float[] bias = NativeSgemmTest.random(r, p.m());
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment x = NativeSgemmTest.floats(arena, NativeSgemmTest.random(r, (int) p.srcElements()));
            MemorySegment y = arena.allocate(p.dstElements() * 4, 64);
            for (int threads : new int[] {1, 2}) {
                try (DnnlConv2d conv = DnnlConv2d.prepare(p, w, bias, List.of(DnnlPostOp.relu()), threads)) {
                    double[] s = time(20, () -> conv.run(x, y, null));
                    report("conv 1x64x56x56 -> 64, 3x3 pad 1, bias+relu, threads=" + threads + " ["
                            + conv.implementation() + "]", p.flops(), s);
                }
            }
        }
    }

    private static double[] time(int reps, Runnable call) {
        for (int i = 0; i < 3; i++) call.run();
        double[] seconds = new double[reps];
        for (int i = 0; i < reps; i++) {
            long t0 = System.nanoTime();
            call.run();
            seconds[i] = (System.nanoTime() - t0) * 1e-9;
        }
        Arrays.sort(seconds);
        return seconds;
    }

    private static void report(String what, double flops, double[] sortedSeconds) {
        double best = flops / sortedSeconds[0] * 1e-9, median = flops / sortedSeconds[sortedSeconds.length / 2] * 1e-9;
        System.out.printf("%-90s best %7.1f GFLOP/s  median %7.1f GFLOP/s  (%.3f ms best)%n", what, best, median,
                sortedSeconds[0] * 1e3);
    }
}
