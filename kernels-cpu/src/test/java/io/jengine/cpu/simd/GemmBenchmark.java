package io.jengine.cpu.simd;

import java.util.Random;

/**
 * GFLOP/s of the packed GEMM on square and ResNet-50-like convolution shapes (a main, not a test: timings are not
 * asserted). Each shape is warmed up, then timed as the best of several repetitions of enough products to last about
 * a third of a second. On a shared machine wall time counts other people's work, so single-thread rates are also
 * given per CPU second of the timing thread (the second figure). Run with {@code java --add-modules jdk.incubator.vector -cp ... io.jengine.cpu.simd.GemmBenchmark}.
 */
public final class GemmBenchmark {
    private GemmBenchmark() {}

    public static void main(String[] args) {
        System.out.println("vector lanes " + MicroKernel.VL + ", micro-tile " + MicroKernel.MR + " x " + MicroKernel.NR
                + ", " + Blocking.host() + ", caches " + CacheSizes.host());
        int[][] shapes = {{256, 256, 256, 1}, {1024, 1024, 1024, 1}, {64, 3136, 576, 1}, {512, 49, 4608, 1},
                {256, 196, 2304, 1}, {1024, 1024, 1024, 2}};
        for (int[] s : shapes) {
            double[] fly = gflops(s[0], s[1], s[2], s[3], 0), pa = gflops(s[0], s[1], s[2], s[3], 1),
                    pb = gflops(s[0], s[1], s[2], s[3], 2);
            System.out.printf("M=%d N=%d K=%d threads=%d: on the fly %.1f (cpu %.1f), packed A %.1f (cpu %.1f),"
                    + " packed B %.1f (cpu %.1f) GFLOP/s%n", s[0], s[1], s[2], s[3], fly[0], fly[1], pa[0], pa[1], pb[0], pb[1]);
        }
    }

    /** Best wall-clock and best per-CPU-second rate of the calling thread. */
    static double[] gflops(int m, int n, int k, int threads, int packed) {
        Random r = new Random(1);
        Matrix a = Matrix.of(SimdTestData.segment(SimdTestData.values(r, m * k), 0), 0, m, k);
        Matrix b = Matrix.of(SimdTestData.segment(SimdTestData.values(r, k * n), 0), 0, k, n);
        Matrix c = Matrix.of(SimdTestData.segment(new float[m * n], 0), 0, m, n);
        PackedA pa = PackedA.pack(a);
        PackedB pb = PackedB.pack(b);
        Runnable once = switch (packed) {
            case 1 -> () -> Sgemm.multiply(pa, b, c, Epilogue.NONE, threads);
            case 2 -> () -> Sgemm.multiply(a, pb, c, Epilogue.NONE, threads);
            default -> () -> Sgemm.multiply(a, b, c, Epilogue.NONE, threads);
        };
        double flops = 2.0 * m * n * k;
        int reps = (int) Math.max(1, 0.3e9 * 30 / flops);
        for (int w = 0; w < 3; w++) for (int i = 0; i < reps; i++) once.run();
        var bean = java.lang.management.ManagementFactory.getThreadMXBean();
        double best = Double.MAX_VALUE, bestCpu = Double.MAX_VALUE;
        for (int trial = 0; trial < 5; trial++) {
            long t0 = System.nanoTime(), c0 = bean.getCurrentThreadCpuTime();
            for (int i = 0; i < reps; i++) once.run();
            best = Math.min(best, (System.nanoTime() - t0) / (double) reps);
            bestCpu = Math.min(bestCpu, (bean.getCurrentThreadCpuTime() - c0) / (double) reps);
        }
        return new double[] {flops / best, flops / bestCpu};
    }
}
