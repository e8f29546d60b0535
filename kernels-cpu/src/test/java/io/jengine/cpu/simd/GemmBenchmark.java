package io.jengine.cpu.simd;

import io.jengine.spi.CacheSizes;
import java.util.Random;

/**
 * GFLOP/s of the packed GEMM on square and ResNet-50-like convolution shapes (a main, not a test: timings are not
 * asserted). Each shape is warmed up, then timed as the best of several repetitions of enough products to last about
 * a third of a second. On a shared machine wall time counts other people's work, so single-thread rates are also
 * given per CPU second of the timing thread (the second figure; meaningless with more threads, since it counts the
 * calling thread only). Run with {@code java --add-modules jdk.incubator.vector -cp ... io.jengine.cpu.simd.GemmBenchmark}
 * and no arguments for everything, {@code conv} for the convolutions and epilogues, {@code epilogue [activation]},
 * or {@code gemm M N K threads} for one shape (one shape per JVM keeps other shapes' JIT profiles out of it).
 */
public final class GemmBenchmark {
    private GemmBenchmark() {}

    public static void main(String[] args) {
        System.out.println("vector lanes " + MicroKernel.VL + ", micro-tile " + MicroKernel.MR + " x " + MicroKernel.NR
                + ", " + Blocking.host() + ", caches " + CacheSizes.host());
        int[][] shapes = {{256, 256, 256, 1}, {1024, 1024, 1024, 1}, {64, 3136, 576, 1}, {512, 49, 4608, 1},
                {256, 196, 2304, 1}, {1024, 1024, 1024, 2}};
        if (args.length > 0 && args[0].equals("epilogue")) {
            epilogues(args.length > 1 ? new Activation[] {Activation.of(args[1], new float[0])} : ALL_ACTIVATIONS);
            return;
        }
        if (args.length == 5 && args[0].equals("gemm")) {
            shapes = new int[][] {{Integer.parseInt(args[1]), Integer.parseInt(args[2]), Integer.parseInt(args[3]),
                    Integer.parseInt(args[4])}};
        }
        for (int[] s : shapes) {
            if (args.length > 0 && args[0].equals("conv")) break;
            double[] fly = gflops(s[0], s[1], s[2], s[3], 0), pa = gflops(s[0], s[1], s[2], s[3], 1),
                    pb = gflops(s[0], s[1], s[2], s[3], 2);
            System.out.printf("M=%d N=%d K=%d threads=%d: on the fly %.1f (cpu %.1f), packed A %.1f (cpu %.1f),"
                    + " packed B %.1f (cpu %.1f) GFLOP/s%n", s[0], s[1], s[2], s[3], fly[0], fly[1], pa[0], pa[1], pb[0], pb[1]);
        }
        if (args.length == 0 || args[0].equals("conv")) convolutions();
    }

    private static void convolutions() {
        Object[][] layers = {{"3x3 64->64 56x56", ConvShape.of(1, 64, 56, 56, 64, 3, 1, 1, 1)},
                {"3x3 256->256 14x14", ConvShape.of(1, 256, 14, 14, 256, 3, 1, 1, 1)},
                {"3x3 512->512 7x7", ConvShape.of(1, 512, 7, 7, 512, 3, 1, 1, 1)},
                {"1x1 256->64 56x56", ConvShape.of(1, 256, 56, 56, 64, 1, 1, 0, 1)},
                {"1x1 512->1024 s2 28x28", ConvShape.of(1, 512, 28, 28, 1024, 1, 2, 0, 1)},
                {"7x7 s2 stem 3->64 224x224", ConvShape.of(1, 3, 224, 224, 64, 7, 2, 3, 1)}};
        for (Object[] l : layers) {
            ConvShape s = (ConvShape) l[1];
            Random r = new Random(2);
            float[] w = SimdTestData.values(r, (int) s.weightElements()), b = SimdTestData.values(r, s.outC());
            var x = SimdTestData.segment(SimdTestData.values(r, (int) s.inputElements()), 0);
            var y = SimdTestData.segment(new float[(int) s.outputElements()], 0);
            GemmConvolution conv = Conv1x1Gemm.supports(s) ? Conv1x1Gemm.prepare(s, w, b, Activation.relu())
                    : Im2colConv.prepare(s, w, b, Activation.relu());
            double[] rate = rate(2.0 * s.outputElements() * s.gemmK(), () -> conv.run(x, 0, y, 0, null, 0, 1));
            System.out.printf("conv %s (%s, bias + Relu) threads=1: %.1f (cpu %.1f) GFLOP/s%n", l[0],
                    conv.getClass().getSimpleName(), rate[0], rate[1]);
        }
        epilogues(ALL_ACTIVATIONS);
    }

    private static final Activation[] ALL_ACTIVATIONS = {Activation.NONE, Activation.relu(), Activation.silu(), Activation.gelu()};

    /** The cost of the fused epilogue: one conv-like GEMM with a row bias and each activation. */
    private static void epilogues(Activation[] activations) {
        Random r = new Random(3);
        int m = 64, n = 3136, k = 576;
        Matrix a = Matrix.of(SimdTestData.segment(SimdTestData.values(r, m * k), 0), 0, m, k);
        Matrix bm = Matrix.of(SimdTestData.segment(SimdTestData.values(r, k * n), 0), 0, k, n);
        Matrix c = Matrix.of(SimdTestData.segment(new float[m * n], 0), 0, m, n);
        PackedA pa = PackedA.pack(a);
        for (Activation act : activations) {
            Epilogue e = Epilogue.of(act).withRowBias(SimdTestData.values(r, m));
            double[] rate = rate(2.0 * m * n * k, () -> Sgemm.multiply(pa, bm, c, e, 1));
            System.out.printf("GEMM 64x3136x576 packed A, row bias + %s: %.1f (cpu %.1f) GFLOP/s%n", act, rate[0], rate[1]);
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
        return rate(flops, once);
    }

    private static double[] rate(double flops, Runnable once) {
        int reps = (int) Math.max(1, 0.3e9 * 30 / flops);
        // About three seconds of warm-up: C2 recompiles the driver more than once before it settles.
        for (int w = 0; w < 10; w++) for (int i = 0; i < reps; i++) once.run();
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
