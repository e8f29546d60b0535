package io.jengine.cpu.simd;

import io.jengine.cpu.simd.conv.ConvParams;
import io.jengine.cpu.simd.conv.DepthwiseConv;
import io.jengine.cpu.simd.conv.Epilogue;
import io.jengine.cpu.simd.conv.FusedActivation;
import io.jengine.cpu.simd.ops.ElementwiseChain;
import io.jengine.cpu.simd.ops.ScaledDotProductAttention;
import io.jengine.tensor.DType;
import io.jengine.tensor.Shapes;
import io.jengine.tensor.Tensor;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * A manual timing of the elementwise chain, attention and depthwise kernels on zoo shapes at one thread: the calling
 * thread's CPU time, best of several repetitions, printed, never asserted (not a *Test, so the build skips it). Run:
 * {@code ./mvnw -pl kernels-cpu -am test -Dtest=OpsKernelSpeedCheck -Dsurefire.failIfNoSpecifiedTests=false}.
 */
class OpsKernelSpeedCheck {
    private static final ThreadMXBean MX = ManagementFactory.getThreadMXBean();

    private static Tensor random(long... shape) {
        SplittableRandom r = new SplittableRandom(7);
        float[] v = new float[(int) Shapes.size(shape)];
        for (int i = 0; i < v.length; i++) v[i] = (float) (r.nextDouble() * 4 - 2);
        Tensor t = Tensor.allocate(DType.FLOAT32, shape);
        MemorySegment.copy(MemorySegment.ofArray(v), 0, t.data(), 0, 4L * v.length);
        return t;
    }

    /** Best CPU time of one call, in microseconds. */
    private static double micros(Runnable r, int reps) {
        for (int i = 0; i < reps * 3; i++) r.run();
        double best = Double.MAX_VALUE;
        for (int k = 0; k < 7; k++) {
            long t0 = MX.getCurrentThreadCpuTime();
            for (int i = 0; i < reps; i++) r.run();
            best = Math.min(best, (MX.getCurrentThreadCpuTime() - t0) / 1e3 / reps);
        }
        return best;
    }

    private static void chain(String what, List<String> ops, long[] args, float[] params, long[]... shapes) {
        ElementwiseChain c = new ElementwiseChain(ops, args, params, shapes);
        MemorySegment[] in = new MemorySegment[shapes.length];
        for (int j = 0; j < shapes.length; j++) in[j] = random(shapes[j]).data();
        MemorySegment y = Tensor.allocate(DType.FLOAT32, c.outShape()).data();
        long n = Shapes.size(c.outShape());
        double us = micros(() -> c.run(in, new long[in.length], y, 0, 1), (int) Math.max(20, 2_000_000 / n));
        System.out.printf("chain %-44s %9.1f us  %.2f ns/elem%n", what, us, us * 1e3 / n);
    }

    @Test
    void timings() {
        // PP-LCNet's affine, HardSwish, affine: 8 steps over scalar parameters
        chain("lab+hswish+lab [1,16,320,320]", List.of("Mul", "Add", "Add", "Clip", "Mul", "Div", "Mul", "Add"),
                new long[] {0, 1, -1, 2, -2, 3, -3, 0, -2, -4, -5, 4, -6, 5, -7, 6},
                new float[] {0, 0, 0, 0, 0, 0, 0, 6, 0, 0, 0, 0, 0, 0, 0, 0}, new long[] {1, 16, 320, 320},
                new long[] {1}, new long[] {1}, new long[0], new long[0], new long[] {1}, new long[] {1});
        chain("lab+hswish+lab [1,16,32,32] (in cache)", List.of("Mul", "Add", "Add", "Clip", "Mul", "Div", "Mul", "Add"),
                new long[] {0, 1, -1, 2, -2, 3, -3, 0, -2, -4, -5, 4, -6, 5, -7, 6},
                new float[] {0, 0, 0, 0, 0, 0, 0, 6, 0, 0, 0, 0, 0, 0, 0, 0}, new long[] {1, 16, 32, 32},
                new long[] {1}, new long[] {1}, new long[0], new long[0], new long[] {1}, new long[] {1});
        chain("add+relu [1,16,32,32]x2 (in cache)", List.of("Add", "Relu"), new long[] {0, 1, -1, 0},
                new float[4], new long[] {1, 16, 32, 32}, new long[] {1, 16, 32, 32});
        // x * HardSigmoid(se): squeeze-excite scaling, se broadcast per channel.
        chain("x*hsig(se) [1,96,160,160]x[1,96,1,1]", List.of("HardSigmoid", "Mul"), new long[] {1, 0, 0, -1},
                new float[] {0.2f, 0.5f, 0, 0}, new long[] {1, 96, 160, 160}, new long[] {1, 96, 1, 1});
        // HardSwish written out: x * clip(x + 3, 0, 6) / 6
        chain("hswish x [1,64,160,160]", List.of("Add", "Clip", "Mul", "Div"), new long[] {0, 1, -1, 0, 0, -2, -3, 2},
                new float[] {0, 0, 0, 6, 0, 0, 0, 0}, new long[] {1, 64, 160, 160}, new long[0], new long[0]);
        chain("add+relu [1,64,160,160]x2", List.of("Add", "Relu"), new long[] {0, 1, -1, 0},
                new float[4], new long[] {1, 64, 160, 160}, new long[] {1, 64, 160, 160});
        chain("x*s+b [1,64,160,160]x[64,1,1]x2", List.of("Mul", "Add"), new long[] {0, 1, -1, 2},
                new float[4], new long[] {1, 64, 160, 160}, new long[] {64, 1, 1}, new long[] {64, 1, 1});

        // bert_l4_h256: 4 heads, S 128, D 64, mask [1,1,1,128]
        Tensor q = random(1, 4, 128, 64), kT = random(1, 4, 64, 128), v = random(1, 4, 128, 64), mask = random(1, 1, 1, 128);
        ScaledDotProductAttention a = new ScaledDotProductAttention(new long[] {1, 4, 128, 64}, new long[] {1, 4, 64, 128},
                new long[] {1, 4, 128, 64}, new long[] {1, 1, 1, 128}, 0.125f, 1f, null);
        MemorySegment ay = Tensor.allocate(DType.FLOAT32, 1, 4, 128, 64).data();
        double us = micros(() -> a.run(q.data(), 0, kT.data(), 0, v.data(), 0, mask.data(), 0, ay, 0, 1), 20);
        System.out.printf("attention [1,4,128,64] mask [1,1,1,128]             %9.1f us  %.2f GFLOP/s%n", us,
                4.0 * 128 * 128 * 64 * 4 / us / 1e3);

        dw("C=96 112x112 s2", ConvParams.of(1, 96, 112, 112, 96, 3, 2, 1, 1, 96));
        dw("C=144 56x56 s1", ConvParams.of(1, 144, 56, 56, 144, 3, 1, 1, 1, 144));
        dw("C=144 56x56 s2", ConvParams.of(1, 144, 56, 56, 144, 3, 2, 1, 1, 144));
        dw("C=32 112x112 s1", ConvParams.of(1, 32, 112, 112, 32, 3, 1, 1, 1, 32));
        dw("C=960 7x7 s1", ConvParams.of(1, 960, 7, 7, 960, 3, 1, 1, 1, 960));
    }

    private static void dw(String what, ConvParams p) {
        float[] bias = new float[p.outC()];
        DepthwiseConv c = DepthwiseConv.prepare(p, random(p.weightSize()).data(),
                Epilogue.of(bias, false, FusedActivation.of("Clip", new float[] {0, 6})));
        MemorySegment x = random(p.inputSize()).data(), y = Tensor.allocate(DType.FLOAT32, p.outputSize()).data();
        double us = micros(() -> c.run(x, null, y, 1), 20);
        System.out.printf("depthwise %-40s %9.1f us  %.2f GFLOP/s%n", what, us,
                2.0 * p.outputSize() * p.kH() * p.kW() / us / 1e3);
    }
}
