package io.jengine.cpu.simd.ops;

import io.jengine.cpu.ref.ReferenceRunner;
import io.jengine.ir.Attribute;
import io.jengine.tensor.Value;
import io.jengine.tensor.Shapes;
import io.jengine.tensor.Tensor;
import java.lang.foreign.MemorySegment;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * A manual timing of the fast kernels against the reference kernels on zoo-sized shapes, printed, never asserted
 * (not a *Test, so the build skips it). Run: {@code ./mvnw -pl kernels-cpu -am test -Dtest=OpsSpeedCheck
 * -Dsurefire.failIfNoSpecifiedTests=false}.
 */
class OpsSpeedCheck {
    private static Tensor random(long... shape) {
        return FloatChecks.tensor(shape, FloatChecks.randomFloats(new SplittableRandom(1), (int) Shapes.size(shape), 2f));
    }

    /** The best of a few timed repetitions, in microseconds, after a warm-up. */
    private static double micros(Runnable r, int reps) {
        for (int i = 0; i < Math.max(3, reps / 2); i++) r.run();
        double best = Double.MAX_VALUE;
        for (int k = 0; k < 5; k++) {
            long t0 = System.nanoTime();
            for (int i = 0; i < reps; i++) r.run();
            best = Math.min(best, (System.nanoTime() - t0) / 1e3 / reps);
        }
        return best;
    }

    private static void report(String what, Runnable ref, Runnable fast1, Runnable fast2, int refReps, int reps) {
        double r = micros(ref, refReps), f1 = micros(fast1, reps), f2 = micros(fast2, reps);
        System.out.printf("%-48s ref %10.1f us   simd 1 thread %8.1f us (x%.0f)   2 threads %8.1f us (x%.0f)%n",
                what, r, f1, r / f1, f2, r / f2);
    }

    @Test
    void timings() {
        System.out.println("vector species: " + VectorMath.F);
        Tensor x = random(1, 64, 112, 112);
        Tensor pooled = Tensor.allocate(io.jengine.tensor.DType.FLOAT32, 1, 64, 56, 56);
        MaxPool2d mp = new MaxPool2d(PoolWindow2d.of(112, 112, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1, false));
        report("MaxPool 3x3 s2 p1 [1,64,112,112]", () -> ReferenceRunner.single("MaxPool", 12, new Tensor[] {x},
                        Attribute.of("kernel_shape", new long[] {3, 3}), Attribute.of("strides", new long[] {2, 2}),
                        Attribute.of("pads", new long[] {1, 1, 1, 1})),
                () -> mp.run(x.data(), 0, pooled.data(), 0, 64, 1), () -> mp.run(x.data(), 0, pooled.data(), 0, 64, 2), 3, 20);

        Tensor g = random(1, 2048, 7, 7);
        MemorySegment gy = MemorySegment.ofArray(new float[2048]);
        report("GlobalAveragePool [1,2048,7,7]", () -> ReferenceRunner.single("GlobalAveragePool", 1, new Tensor[] {g}),
                () -> GlobalPool.average(g.data(), 0, gy, 0, 2048, 49, 1),
                () -> GlobalPool.average(g.data(), 0, gy, 0, 2048, 49, 2), 5, 200);

        Tensor s = random(12, 128, 128);
        Tensor sy = Tensor.allocate(io.jengine.tensor.DType.FLOAT32, 12, 128, 128);
        report("Softmax last axis [12,128,128]", () -> ReferenceRunner.single("Softmax", 13, new Tensor[] {s}),
                () -> Softmax.softmax(s.data(), 0, sy.data(), 0, 1536, 128, 1, 1),
                () -> Softmax.softmax(s.data(), 0, sy.data(), 0, 1536, 128, 1, 2), 3, 50);

        Tensor l = random(128, 768), sc = random(768), bi = random(768);
        Tensor ly = Tensor.allocate(io.jengine.tensor.DType.FLOAT32, 128, 768);
        LayerNorm ln = new LayerNorm(768, 1e-5f);
        report("LayerNormalization [128,768]", () -> ReferenceRunner.single("LayerNormalization", 17,
                        new Tensor[] {l, sc, bi}, Attribute.of("epsilon", 1e-5f)),
                () -> ln.run(l.data(), 0, sc.data(), 0, bi.data(), 0, ly.data(), 0, null, 0, null, 0, 128, 1),
                () -> ln.run(l.data(), 0, sc.data(), 0, bi.data(), 0, ly.data(), 0, null, 0, null, 0, 128, 2), 5, 200);

        Tensor h = random(128, 3072);
        Tensor hy = Tensor.allocate(io.jengine.tensor.DType.FLOAT32, 128, 3072);
        report("Gelu (erf) [128,3072]", () -> ReferenceRunner.single("Gelu", 20, new Tensor[] {h}),
                () -> UnaryActivations.apply(UnaryOp.GELU, null, h.data(), 0, hy.data(), 0, 128 * 3072),
                () -> UnaryActivations.apply(UnaryOp.GELU, null, h.data(), 0, hy.data(), 0, 128 * 3072), 3, 50);

        BroadcastBinary add = new BroadcastBinary(BinaryOp.ADD, new long[] {128, 768}, new long[] {768});
        report("Add [128,768] + [768]", () -> ReferenceRunner.single("Add", 14, new Tensor[] {l, sc}),
                () -> add.run(l.data(), 0, sc.data(), 0, ly.data(), 0, 1),
                () -> add.run(l.data(), 0, sc.data(), 0, ly.data(), 0, 2), 5, 500);

        Tensor q = random(1, 12, 128, 64), kt = random(1, 12, 64, 128), v = random(1, 12, 128, 64), mask = random(1, 1, 1, 128);
        Tensor ay = Tensor.allocate(io.jengine.tensor.DType.FLOAT32, 1, 12, 128, 64);
        ScaledDotProductAttention att = new ScaledDotProductAttention(q.shape(), kt.shape(), v.shape(), mask.shape(),
                0.35355339f, 0.35355339f, null);
        report("ScaledDotProductAttention [1,12,128,64]", () -> ReferenceRunner.fused("ScaledDotProductAttention",
                        new Value[] {q, kt, v, mask}, Attribute.of("q_scale", 0.35355339f), Attribute.of("k_scale", 0.35355339f)),
                () -> att.run(q.data(), 0, kt.data(), 0, v.data(), 0, mask.data(), 0, ay.data(), 0, 1),
                () -> att.run(q.data(), 0, kt.data(), 0, v.data(), 0, mask.data(), 0, ay.data(), 0, 2), 2, 20);

        Tensor t = random(1, 128, 12, 64);
        Tensor ty = Tensor.allocate(io.jengine.tensor.DType.FLOAT32, 1, 12, 128, 64);
        Transpose tr = new Transpose(t.shape(), new int[] {0, 2, 1, 3}, 4);
        report("Transpose [1,128,12,64] perm 0,2,1,3", () -> ReferenceRunner.single("Transpose", 13, new Tensor[] {t},
                        Attribute.of("perm", new long[] {0, 2, 1, 3})),
                () -> tr.run(t.data(), 0, ty.data(), 0, 1), () -> tr.run(t.data(), 0, ty.data(), 0, 2), 3, 200);
        Tensor m = random(512, 768);
        Tensor my = Tensor.allocate(io.jengine.tensor.DType.FLOAT32, 768, 512);
        Transpose tm = new Transpose(m.shape(), new int[] {1, 0}, 4);
        report("Transpose [512,768] perm 1,0", () -> ReferenceRunner.single("Transpose", 13, new Tensor[] {m},
                        Attribute.of("perm", new long[] {1, 0})),
                () -> tm.run(m.data(), 0, my.data(), 0, 1), () -> tm.run(m.data(), 0, my.data(), 0, 2), 3, 50);
    }
}
