package io.jengine.cpu.simd;

/**
 * Single-precision matrix products {@code C[M, N] = epilogue(A[M, K] * B[K, N])} on float32 memory, packed and blocked
 * in the BLIS / GotoBLAS manner. Either operand may be {@link PackedA pre-packed} / {@link PackedB pre-packed} once at
 * plan time; the other is packed on the fly into per-thread scratch. Work is split over output tiles only (K never),
 * and each element is summed in the same order whatever the split, so the result is bit-identical for any thread
 * count. C must not share memory with A, B or the residual.
 */
public final class Sgemm {
    private Sgemm() {}

    /** C = epilogue(A * B), both operands packed on the fly. */
    public static void multiply(Matrix a, Matrix b, Matrix c, Epilogue epilogue, int threads) {
        multiply(a, b, c, epilogue, threads, Blocking.host());
    }

    /** As {@link #multiply(Matrix, Matrix, Matrix, Epilogue, int)} with a chosen blocking (tests, tuning). */
    public static void multiply(Matrix a, Matrix b, Matrix c, Epilogue epilogue, int threads, Blocking blk) {
        check(a.rows(), a.cols(), b.rows(), b.cols(), c, epilogue);
        Matrix.checkDisjoint("C", c, "A", a);
        Matrix.checkDisjoint("C", c, "B", b);
        GemmScratch s = GemmScratch.mine();
        run(s, a.rows(), b.cols(), a.cols(), blk, s.matrixA.bind(a, false), s.matrixB.bind(b, true), c, epilogue, threads);
    }

    /** C = epilogue(A * B) with A packed beforehand. */
    public static void multiply(PackedA a, Matrix b, Matrix c, Epilogue epilogue, int threads) {
        check(a.rows(), a.cols(), b.rows(), b.cols(), c, epilogue);
        Matrix.checkDisjoint("C", c, "B", b);
        GemmScratch s = GemmScratch.mine();
        run(s, a.rows(), b.cols(), a.cols(), a.blocking, a.panels, s.matrixB.bind(b, true), c, epilogue, threads);
    }

    /** C = epilogue(A * B) with B packed beforehand. */
    public static void multiply(Matrix a, PackedB b, Matrix c, Epilogue epilogue, int threads) {
        check(a.rows(), a.cols(), b.rows(), b.cols(), c, epilogue);
        Matrix.checkDisjoint("C", c, "A", a);
        GemmScratch s = GemmScratch.mine();
        run(s, a.rows(), b.cols(), a.cols(), b.blocking, s.matrixA.bind(a, false), b.panels, c, epilogue, threads);
    }

    private static void run(GemmScratch s, int m, int n, int k, Blocking blk, PanelSource a, PanelSource b, Matrix c,
            Epilogue e, int threads) {
        GemmDriver.run(s.job.set(m, n, k, 1, blk, a, b, s.writer.bind(c, e)), threads);
    }

    private static void check(int am, int ak, int bk, int bn, Matrix c, Epilogue e) {
        if (e == null) throw new IllegalArgumentException("epilogue is null; use Epilogue.NONE");
        if (ak != bk) {
            throw new IllegalArgumentException("inner dimensions differ: A is " + am + " x " + ak + ", B is " + bk + " x " + bn);
        }
        if (c.transposed()) throw new IllegalArgumentException("C must be a row-major view, got a transposed one");
        if (c.rows() != am || c.cols() != bn) {
            throw new IllegalArgumentException("C is " + c.rows() + " x " + c.cols() + ", A * B is " + am + " x " + bn);
        }
        e.checkFor(am, bn);
        if (e.residual() != null) Matrix.checkDisjoint("C", c, "the residual", e.residual());
    }
}
