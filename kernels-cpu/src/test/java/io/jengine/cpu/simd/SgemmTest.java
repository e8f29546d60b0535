package io.jengine.cpu.simd;

import static io.jengine.cpu.simd.SimdTestData.assertSums;
import static io.jengine.cpu.simd.SimdTestData.floats;
import static io.jengine.cpu.simd.SimdTestData.segment;
import static io.jengine.cpu.simd.SimdTestData.values;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jengine.cpu.ref.ReferenceActivations;
import java.lang.foreign.MemorySegment;
import java.util.Random;
import java.util.function.DoubleUnaryOperator;
import org.junit.jupiter.api.Test;

/** The packed GEMM against a naive double-precision loop: shapes, layouts, pre-packing, epilogues, NaN/Inf, threads. */
class SgemmTest {
    private static final int NR = MicroKernel.NR;
    /** Tiny blocks so that small shapes cross several depth blocks, A blocks and B panels. */
    private static final Blocking SMALL = new Blocking(MicroKernel.MR, NR, 7, 2 * MicroKernel.MR, 2 * NR);

    /** How the operands are handed to the GEMM. */
    enum Mode { ON_THE_FLY, PACKED_A, PACKED_B }

    /** One product's operands, laid out with offsets, padding and optional transposition. */
    private record Case(int m, int n, int k, float[] a, float[] b, Matrix av, Matrix bv, MemorySegment cSeg, Matrix cv,
            long cStart, int ldc) {
        static Case of(Random r, int m, int n, int k, boolean ta, boolean tb) {
            float[] a = values(r, m * k), b = values(r, k * n);
            Matrix av = layout(r, a, m, k, ta), bv = layout(r, b, k, n, tb);
            int ldc = n + r.nextInt(3), cStart = r.nextInt(5);
            float[] c = new float[cStart + m * ldc];
            java.util.Arrays.fill(c, 7e20f);
            MemorySegment cs = segment(c, 3);
            return new Case(m, n, k, a, b, av, bv, cs, new Matrix(cs, 4L * cStart, m, n, ldc, false), cStart, ldc);
        }

        /** Stores logical rows x cols {@code v} (row-major) with a random offset and leading dimension. */
        static Matrix layout(Random r, float[] v, int rows, int cols, boolean transposed) {
            int outer = transposed ? cols : rows, inner = transposed ? rows : cols;
            int ld = inner + r.nextInt(4), start = r.nextInt(7);
            float[] mem = new float[start + outer * ld];
            java.util.Arrays.fill(mem, Float.NaN); // padding must never be read
            for (int i = 0; i < rows; i++) {
                for (int j = 0; j < cols; j++) mem[start + (transposed ? j * ld + i : i * ld + j)] = v[i * cols + j];
            }
            return new Matrix(segment(mem, 0), 4L * start, rows, cols, ld, transposed);
        }

        float[] result() {
            float[] out = new float[m * n];
            for (int i = 0; i < m; i++) {
                float[] row = floats(cSeg, cStart + (long) i * ldc, n);
                System.arraycopy(row, 0, out, i * n, n);
            }
            return out;
        }

        /** The C memory outside the m x n view still holds the fill value. */
        void assertUntouchedOutside() {
            float[] all = floats(cSeg, 0, (int) (cSeg.byteSize() / 4));
            for (int idx = 0; idx < all.length; idx++) {
                long rel = idx - cStart;
                boolean inside = rel >= 0 && rel / ldc < m && rel % ldc < n;
                if (!inside) assertTrue(all[idx] == 7e20f || idx >= all.length - 3, "C written outside its view at " + idx);
            }
        }
    }

    private static void run(Case c, Epilogue e, Mode mode, int threads, Blocking blk) {
        switch (mode) {
            case ON_THE_FLY -> Sgemm.multiply(c.av, c.bv, c.cv, e, threads, blk);
            case PACKED_A -> Sgemm.multiply(PackedA.pack(c.av, blk), c.bv, c.cv, e, threads);
            case PACKED_B -> Sgemm.multiply(c.av, PackedB.pack(c.bv, blk), c.cv, e, threads);
        }
    }

    /** Checks C against the naive loop with the epilogue {@code e} and the reference activation {@code act}. */
    private static void check(String what, Case c, Epilogue e, DoubleUnaryOperator act, float[] residual) {
        double[] want = new double[c.m * c.n], mag = new double[c.m * c.n];
        for (int i = 0; i < c.m; i++) {
            for (int j = 0; j < c.n; j++) {
                double s = 0, g = 0;
                for (int p = 0; p < c.k; p++) {
                    double prod = (double) c.a[i * c.k + p] * c.b[p * c.n + j];
                    s += prod;
                    g += Math.abs(prod);
                }
                double v = e.alpha() * s;
                g *= Math.abs(e.alpha());
                if (e.rowBias() != null) { v += e.rowBias()[i]; g += Math.abs(e.rowBias()[i]); }
                if (e.columnBias() != null) { v += e.columnBias()[j]; g += Math.abs(e.columnBias()[j]); }
                if (residual != null) {
                    double rv = (double) e.residualScale() * residual[i * c.n + j];
                    v += rv;
                    g += Math.abs(rv);
                }
                want[i * c.n + j] = act.applyAsDouble(v);
                mag[i * c.n + j] = g;
            }
        }
        assertSums(what, want, mag, c.k + 3, c.result());
        c.assertUntouchedOutside();
    }

    @Test
    void matchesNaiveLoopOnManyShapesLayoutsAndModes() {
        Random r = new Random(11);
        int[][] shapes = {{1, 1, 1}, {1, 17, 5}, {7, 1, 3}, {6, 16, 8}, {5, 15, 9}, {13, 33, 31}, {37, 70, 1},
                {64, 49, 65}, {100, 3, 129}, {3, 200, 257}, {129, 131, 300}, {290, 35, 47}, {31, 301, 19}};
        for (int[] s : shapes) {
            for (Mode mode : Mode.values()) {
                for (int layoutBits = 0; layoutBits < 4; layoutBits++) {
                    boolean ta = (layoutBits & 1) != 0, tb = (layoutBits & 2) != 0;
                    Case c = Case.of(r, s[0], s[1], s[2], ta, tb);
                    run(c, Epilogue.NONE, mode, 1, Blocking.host());
                    check(java.util.Arrays.toString(s) + " " + mode + " ta=" + ta + " tb=" + tb, c, Epilogue.NONE,
                            x -> x, null);
                }
            }
        }
    }

    @Test
    void smallBlocksCrossDepthRowAndColumnBlocks() {
        Random r = new Random(12);
        int[][] shapes = {{1, 1, 1}, {13, 3 * NR + 5, 22}, {25, 2 * NR - 1, 7}, {40, 5 * NR + 1, 15}};
        for (int[] s : shapes) {
            for (Mode mode : Mode.values()) {
                for (int threads : new int[] {1, 2, 3}) {
                    Case c = Case.of(r, s[0], s[1], s[2], false, mode == Mode.PACKED_B);
                    float[] bias = values(r, s[0]);
                    Epilogue e = Epilogue.of(Activation.relu()).withRowBias(bias);
                    run(c, e, mode, threads, SMALL);
                    check(java.util.Arrays.toString(s) + " " + mode + " threads " + threads, c, e,
                            ReferenceActivations.of("Relu", null), null);
                }
            }
        }
    }

    @Test
    void everyEpilogueMatchesTheReferenceActivation() {
        Random r = new Random(13);
        Object[][] acts = {{"None", new float[0]}, {"Relu", new float[0]}, {"Clip", new float[] {-0.5f, 0.75f}},
                {"LeakyRelu", new float[] {0.1f}}, {"Sigmoid", new float[0]}, {"HardSigmoid", new float[] {0.2f, 0.5f}},
                {"HardSwish", new float[0]}, {"Tanh", new float[0]}, {"SiLU", new float[0]}, {"Gelu", new float[0]}};
        for (Object[] a : acts) {
            String name = (String) a[0];
            float[] params = (float[]) a[1];
            for (int variant = 0; variant < 3; variant++) {
                Case c = Case.of(r, 23, 2 * NR + 3, 40, variant == 1, variant == 2);
                float[] res = new float[c.m * c.n];
                for (int i = 0; i < res.length; i++) res[i] = (r.nextFloat() * 2 - 1) * 6;
                Matrix resView = Case.layout(r, res, c.m, c.n, false);
                // Spread the sums over [-12, 12] so that the activations' tails and curved middles are both hit.
                Epilogue e = Epilogue.of(Activation.of(name, params)).withAlpha(variant == 0 ? 1f : 1.5f)
                        .withRowBias(variant != 2 ? values(r, c.m) : null)
                        .withColumnBias(variant != 1 ? values(r, c.n) : null)
                        .withResidual(resView, variant == 2 ? -0.5f : 1f);
                run(c, e, Mode.values()[variant], 2, Blocking.host());
                check(name + " variant " + variant, c, e, ReferenceActivations.of(name, params), res);
            }
        }
    }

    @Test
    void nanAndInfinityPropagateLikeTheReference() {
        Random r = new Random(14);
        for (String name : new String[] {"None", "Relu", "Clip", "Sigmoid", "Tanh", "SiLU", "Gelu", "HardSwish"}) {
            float[] params = name.equals("Clip") ? new float[] {-1f, 1f} : new float[0];
            Case c = Case.of(r, 14, NR + 3, 9, false, false);
            // Poison the operands in place: A(2, 4) = NaN, B(5, 3) = +Inf, B(1, 7) = -Inf.
            c.a[2 * c.k + 4] = Float.NaN;
            c.b[5 * c.n + 3] = Float.POSITIVE_INFINITY;
            c.b[c.n + 7] = Float.NEGATIVE_INFINITY;
            c.av.segment().set(Matrix.FLOAT, c.av.offsetOf(2, 4), Float.NaN);
            c.bv.segment().set(Matrix.FLOAT, c.bv.offsetOf(5, 3), Float.POSITIVE_INFINITY);
            c.bv.segment().set(Matrix.FLOAT, c.bv.offsetOf(1, 7), Float.NEGATIVE_INFINITY);
            Epilogue e = Epilogue.of(Activation.of(name, params));
            run(c, e, Mode.PACKED_B, 1, Blocking.host());
            check(name + " with NaN/Inf", c, e, ReferenceActivations.of(name, params), null);
            float[] got = c.result();
            assertTrue(Float.isNaN(got[2 * c.n]), name + ": a NaN in A's row 2 reaches C's row 2");
        }
    }

    @Test
    void resultBitsDoNotDependOnThreadCount() {
        Random r = new Random(15);
        for (Mode mode : Mode.values()) {
            Case c = Case.of(r, 150, 7 * NR + 5, 300, false, false);
            Epilogue e = Epilogue.of(Activation.gelu()).withColumnBias(values(r, c.n));
            run(c, e, mode, 1, Blocking.host());
            float[] one = c.result();
            for (int threads : new int[] {2, 3, 4}) {
                run(c, e, mode, threads, Blocking.host());
                assertArrayEquals(one, c.result(), mode + ": " + threads + " threads differ from 1");
            }
        }
    }

    @Test
    void emptyDepthGivesTheEpilogueOfZero() {
        Case c = Case.of(new Random(16), 5, 9, 0, false, false);
        Epilogue e = Epilogue.NONE.withColumnBias(new float[] {1, 2, 3, 4, 5, 6, 7, 8, 9});
        run(c, e, Mode.ON_THE_FLY, 1, Blocking.host());
        float[] got = c.result();
        for (int i = 0; i < got.length; i++) assertEquals(i % 9 + 1, got[i], 0f);
    }

    @Test
    void badShapesAreRejectedWithTheSizes() {
        MemorySegment s = segment(new float[100], 0);
        Matrix a = Matrix.of(s, 0, 4, 5), b = Matrix.of(s, 0, 6, 3), c = Matrix.of(s, 0, 4, 3);
        var e = assertThrows(IllegalArgumentException.class, () -> Sgemm.multiply(a, b, c, Epilogue.NONE, 1));
        assertTrue(e.getMessage().contains("4 x 5") && e.getMessage().contains("6 x 3"), e.getMessage());
        var e2 = assertThrows(IllegalArgumentException.class, () -> Matrix.of(s, 8, 10, 10));
        assertTrue(e2.getMessage().contains("408") && e2.getMessage().contains("400"), e2.getMessage());
        var e3 = assertThrows(IllegalArgumentException.class, () -> new Matrix(s, 0, 3, 4, 3, false));
        assertTrue(e3.getMessage().contains("leading dimension 3"), e3.getMessage());
        var e4 = assertThrows(IllegalArgumentException.class, () -> Sgemm.multiply(Matrix.of(s, 0, 4, 6), b, c,
                Epilogue.NONE.withRowBias(new float[3]), 1));
        assertTrue(e4.getMessage().contains("row bias has 3"), e4.getMessage());
        MemorySegment big = segment(new float[400], 0);
        var e5 = assertThrows(IllegalArgumentException.class, () -> Sgemm.multiply(Matrix.of(big, 0, 4, 5),
                Matrix.of(big, 80, 5, 3), Matrix.of(big, 100, 4, 3), Epilogue.NONE, 1));
        assertTrue(e5.getMessage().contains("C overlaps B"), e5.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Activation.of("Clip", new float[] {1f}));
        assertThrows(IllegalArgumentException.class, () -> Activation.of("Swish2", null));
    }
}
