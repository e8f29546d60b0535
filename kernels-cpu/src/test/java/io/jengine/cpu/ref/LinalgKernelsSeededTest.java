package io.jengine.cpu.ref;

import static io.jengine.cpu.ref.RefChecks.*;

import io.jengine.ir.Attribute;
import io.jengine.tensor.DType;
import io.jengine.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** MatMul (batched, broadcast, 1-D), MatMulInteger, Gemm and Det against plain triple loops. */
class LinalgKernelsSeededTest {

    /** C[b] = A[b] x B (B shared): A [batch,m,k], B [k,n]. */
    private static double[] mm(double[] a, double[] b, int batch, int m, int k, int n) {
        double[] c = new double[batch * m * n];
        for (int q = 0; q < batch; q++) for (int i = 0; i < m; i++) for (int j = 0; j < n; j++) {
            double s = 0;
            for (int p = 0; p < k; p++) s += a[(q * m + i) * k + p] * b[p * n + j];
            c[(q * m + i) * n + j] = s;
        }
        return c;
    }

    @Test
    void batchedMatMulBroadcastsTheRightOperand() {
        for (DType dt : new DType[] {DType.FLOAT32, DType.FLOAT64, DType.FLOAT16}) {
            double[] a = ElementwiseKernelsTest.rounded(dt, data(1, 2 * 3 * 4, -2, 2));
            double[] b = ElementwiseKernelsTest.rounded(dt, data(2, 4 * 5, -2, 2));
            check(t(dt, shape(2, 3, 5), mm(a, b, 2, 3, 4, 5)), KernelHarness.run(node("MatMul", in("a", "b")), 13,
                    t(dt, shape(2, 3, 4), a), t(dt, shape(4, 5), b))[0], dt == DType.FLOAT16
                    ? new io.jengine.verify.Tolerance(1e-2, 1e-2) : null);
        }
        long[] ia = ints(3, 12, -50, 50), ib = ints(4, 8, -50, 50);
        double[] da = new double[12], db = new double[8];
        for (int i = 0; i < 12; i++) da[i] = ia[i];
        for (int i = 0; i < 8; i++) db[i] = ib[i];
        double[] want = mm(da, db, 1, 3, 4, 2);
        long[] lw = new long[6];
        for (int i = 0; i < 6; i++) lw[i] = (long) want[i];
        for (DType dt : new DType[] {DType.INT32, DType.INT64}) {
            check(l(dt, shape(3, 2), lw), KernelHarness.run(node("MatMul", in("a", "b")), 13, l(dt, shape(3, 4), ia), l(dt, shape(4, 2), ib))[0]);
        }
    }

    @Test
    void vectorOperandsArePromotedAndSqueezed() {
        double[] a = data(5, 3, -1, 1), b = data(6, 3 * 2, -1, 1);
        double[] want = mm(a, b, 1, 1, 3, 2);
        check(t(DType.FLOAT64, shape(2), want), KernelHarness.run(node("MatMul", in("a", "b")), 13,
                t(DType.FLOAT64, shape(3), a), t(DType.FLOAT64, shape(3, 2), b))[0]);
        double dot = a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
        check(t(DType.FLOAT64, shape(), dot), KernelHarness.run(node("MatMul", in("a", "b")), 13,
                t(DType.FLOAT64, shape(3), a), t(DType.FLOAT64, shape(3), b[0], b[1], b[2]))[0]);
    }

    @Test
    void matMulIntegerSubtractsZeroPoints() {
        long[] a = {200, 3, 17, 255, 1, 90}, b = {-5, 100, 7, -128, 30, 2};
        long az = 128, bz = 1;
        long[] want = new long[4];
        for (int i = 0; i < 2; i++) for (int j = 0; j < 2; j++) {
            long s = 0;
            for (int p = 0; p < 3; p++) s += (a[i * 3 + p] - az) * (b[p * 2 + j] - bz);
            want[i * 2 + j] = s;
        }
        check(l(DType.INT32, shape(2, 2), want), KernelHarness.run(node("MatMulInteger", in("a", "b", "az", "bz")), 10,
                l(DType.UINT8, shape(2, 3), a), l(DType.INT8, shape(3, 2), b), l(DType.UINT8, shape(), az), l(DType.INT8, shape(), bz))[0]);
    }

    @Test
    void gemmWithTransposesAlphaBetaAndBroadcastBias() {
        double[] a = data(7, 12, -2, 2), b = data(8, 20, -2, 2), c = data(9, 5, -1, 1);
        // A stored as [4,3] (transA), B stored as [5,4] (transB): Y = alpha * A^T B^T + beta * c, Y [3,5].
        double alpha = 0.75f, beta = -1.5f;
        double[] y = new double[15];
        for (int i = 0; i < 3; i++) for (int j = 0; j < 5; j++) {
            double s = 0;
            for (int p = 0; p < 4; p++) s += a[p * 3 + i] * b[j * 4 + p];
            y[i * 5 + j] = alpha * s + beta * c[j];
        }
        check(t(DType.FLOAT64, shape(3, 5), y), KernelHarness.run(node("Gemm", in("a", "b", "c"), Attribute.of("transA", 1L),
                Attribute.of("transB", 1L), Attribute.of("alpha", 0.75f), Attribute.of("beta", -1.5f)), 13,
                t(DType.FLOAT64, shape(4, 3), a), t(DType.FLOAT64, shape(5, 4), b), t(DType.FLOAT64, shape(5), c))[0]);
    }

    @Test
    void determinantOfBatch() {
        double[] m = data(10, 2 * 9, -3, 3);
        double[] det = new double[2];
        for (int q = 0; q < 2; q++) {
            double[] x = java.util.Arrays.copyOfRange(m, q * 9, q * 9 + 9);
            det[q] = x[0] * (x[4] * x[8] - x[5] * x[7]) - x[1] * (x[3] * x[8] - x[5] * x[6]) + x[2] * (x[3] * x[7] - x[4] * x[6]);
        }
        check(t(DType.FLOAT64, shape(2), det), KernelHarness.run(node("Det", in("x")), 11, t(DType.FLOAT64, shape(2, 3, 3), m))[0]);
    }

    @Test
    void einsumContractionsTransposeAndTrace() {
        double[] a = data(11, 2 * 3 * 4, -2, 2), b = data(12, 2 * 4 * 5, -2, 2);
        double[] want = new double[2 * 3 * 5];
        for (int q = 0; q < 2; q++) for (int i = 0; i < 3; i++) for (int j = 0; j < 5; j++) {
            double s = 0;
            for (int p = 0; p < 4; p++) s += a[(q * 3 + i) * 4 + p] * b[(q * 4 + p) * 5 + j];
            want[(q * 3 + i) * 5 + j] = s;
        }
        check(t(DType.FLOAT64, shape(2, 3, 5), want), KernelHarness.run(node("Einsum", in("a", "b"),
                Attribute.of("equation", "bij,bjk->bik")), 12, t(DType.FLOAT64, shape(2, 3, 4), a), t(DType.FLOAT64, shape(2, 4, 5), b))[0]);
        double[] m = data(13, 12, -2, 2);
        double[] tr = new double[12];
        for (int i = 0; i < 3; i++) for (int j = 0; j < 4; j++) tr[j * 3 + i] = m[i * 4 + j];
        check(t(DType.FLOAT32, shape(4, 3), tr), KernelHarness.run(node("Einsum", in("a"), Attribute.of("equation", "ij->ji")), 12,
                t(DType.FLOAT32, shape(3, 4), m))[0]);
        double[] sq = data(14, 9, -2, 2);
        check(t(DType.FLOAT64, shape(), sq[0] + sq[4] + sq[8]), KernelHarness.run(node("Einsum", in("a"), Attribute.of("equation", "ii")), 12,
                t(DType.FLOAT64, shape(3, 3), sq))[0]);
        long[] v = ints(15, 4, -9, 9), w = ints(16, 4, -9, 9);
        check(l(DType.INT32, shape(), v[0] * w[0] + v[1] * w[1] + v[2] * w[2] + v[3] * w[3]), KernelHarness.run(node("Einsum", in("a", "b"),
                Attribute.of("equation", "i,i")), 12, l(DType.INT32, shape(4), v), l(DType.INT32, shape(4), w))[0]);
    }

    @Test
    void mismatchedInnerDimensionsAreReported() {
        fails(() -> KernelHarness.run(node("MatMul", in("a", "b")), 13, t(DType.FLOAT32, shape(2, 3), data(1, 6, 1, 2)),
                t(DType.FLOAT32, shape(4, 2), data(2, 8, 1, 2))), "inner dimensions differ", "[2,3]", "[4,2]");
        fails(() -> KernelHarness.run(node("Det", in("x")), 11, t(DType.FLOAT32, shape(2, 3), data(1, 6, 1, 2))), "square", "[2,3]");
    }
}
