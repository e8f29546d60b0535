package io.jengine.cpu.simd.conv;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Random;

/**
 * Effective GFLOP/s (direct-convolution FLOPs over time) of this package's kernels on ResNet-50's 3x3 layers and
 * MobileNet's depthwise layers. A measurement, not a test: run its main with
 * {@code --add-modules jdk.incubator.vector}, optionally passing the thread count.
 */
public final class ConvBenchmark {
    private ConvBenchmark() {}

    public static void main(String[] args) {
        int threads = args.length > 0 ? Integer.parseInt(args[0]) : 1;
        String only = args.length > 1 ? args[1] : "";
        System.out.println("threads " + threads + ", " + jdk.incubator.vector.FloatVector.SPECIES_PREFERRED);
        if (!only.equals("dw")) {
            for (int[] s : new int[][] {{64, 56}, {128, 28}, {256, 14}, {512, 7}}) {
                if (!only.isEmpty() && !only.equals("" + s[0])) continue;
                ConvParams p = ConvParams.of(1, s[0], s[1], s[1], s[0], 3, 1, 1, 1, 1);
                for (WinogradVariant v : new WinogradVariant[] {WinogradVariant.F4X4, WinogradVariant.F2X2}) {
                    WinogradConv3x3 conv = WinogradConv3x3.prepare(p, random(p.weightSize(), 1), Epilogue.of(
                            new float[p.outC()], false, FusedActivation.of("Relu", null)), v);
                    MemorySegment x = random(p.inputSize(), 2), y = random(p.outputSize(), 3);
                    report("winograd " + v + " C=" + s[0] + " " + s[1] + "x" + s[1], p,
                            () -> conv.run(x, null, y, threads));
                }
            }
        }
        if (only.isEmpty() || only.equals("dw")) {
            for (int[] s : new int[][] {{144, 56, 1}, {96, 112, 2}}) {
                ConvParams p = ConvParams.of(1, s[0], s[1], s[1], s[0], 3, s[2], 1, 1, s[0]);
                DepthwiseConv conv = DepthwiseConv.prepare(p, random(p.weightSize(), 1), Epilogue.of(
                        new float[p.outC()], false, FusedActivation.of("Clip", new float[] {0f, 6f})));
                MemorySegment x = random(p.inputSize(), 2), y = random(p.outputSize(), 3);
                report("depthwise 3x3 s" + s[2] + " C=" + s[0] + " " + s[1] + "x" + s[1], p,
                        () -> conv.run(x, null, y, threads));
            }
        }
    }

    /**
     * Warms up (long enough for C2 to compile the kernel on a busy machine), then takes the best of five timings.
     * The machine this was written on is shared, so besides wall time the calling thread's CPU time is reported: at
     * one thread it is the time the kernel actually ran.
     */
    static void report(String name, ConvParams p, Runnable run) {
        ThreadMXBean bean = ManagementFactory.getThreadMXBean();
        long start = System.nanoTime();
        int reps = 0;
        while (System.nanoTime() - start < 4_000_000_000L || reps < 20) { run.run(); reps++; }
        int n = Math.max(1, reps / 8);
        double bestWall = Double.MAX_VALUE, bestCpu = Double.MAX_VALUE;
        for (int trial = 0; trial < 5; trial++) {
            long t0 = System.nanoTime(), c0 = bean.getCurrentThreadCpuTime();
            for (int i = 0; i < n; i++) run.run();
            bestCpu = Math.min(bestCpu, (bean.getCurrentThreadCpuTime() - c0) / (double) n);
            bestWall = Math.min(bestWall, (System.nanoTime() - t0) / (double) n);
        }
        double flops = 2.0 * p.directMacs();
        System.out.printf("%-40s wall %8.3f ms %7.1f GFLOP/s | caller cpu %8.3f ms %7.1f GFLOP/s%n", name,
                bestWall / 1e6, flops / bestWall, bestCpu / 1e6, flops / bestCpu);
    }

    static MemorySegment random(long n, long seed) {
        Random r = new Random(seed);
        MemorySegment s = Arena.ofAuto().allocate(n * Float.BYTES, 64);
        for (long i = 0; i < n; i++) s.setAtIndex(java.lang.foreign.ValueLayout.JAVA_FLOAT, i, (float) r.nextGaussian());
        return s;
    }
}
