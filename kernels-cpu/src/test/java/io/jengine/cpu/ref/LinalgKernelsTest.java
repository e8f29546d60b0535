package io.jengine.cpu.ref;

import static io.jengine.cpu.ref.ReductionKernelsTest.assertClose;
import static io.jengine.cpu.ref.ReductionKernelsTest.node;
import static io.jengine.cpu.ref.ReductionKernelsTest.run1;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jengine.ir.Attribute;
import io.jengine.tensor.DType;
import io.jengine.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** MatMul, Gemm, MatMulInteger, Det and Einsum against numpy. */
class LinalgKernelsTest {

    static Tensor a() {
        double[] v = new double[12];
        for (int i = 0; i < 12; i++) v[i] = i - 4.5;
        return Tensor.ofDoubles(new long[] {2, 2, 3}, v);
    }

    static Tensor b() { return Tensor.ofDoubles(new long[] {3, 2}, 1, -1, 2, 0.5, -3, 4); }

    @Test
    void matMulBroadcastsBatchDims() {
        Tensor y = run1(node("MatMul", 2), 13, a(), b());
        assertArrayEquals(new long[] {2, 2, 2}, y.shape());
        assertClose(new double[] {-4, -7.25, -4, 3.25, -4, 13.75, -4, 24.25}, y);
    }

    @Test
    void matMulOneDimensionalOperandsDropTheirDim() {
        Tensor v = Tensor.ofDoubles(new long[] {3}, 1, 2, -1);
        Tensor left = run1(node("MatMul", 2), 13, v, b());
        assertArrayEquals(new long[] {2}, left.shape());
        assertClose(new double[] {8, -4}, left);
        Tensor right = run1(node("MatMul", 2), 13, a(), v);
        assertArrayEquals(new long[] {2, 2}, right.shape());
        assertClose(new double[] {-9, -3, 3, 9}, right);
    }

    @Test
    void matMulMismatchNamesBothShapes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> run1(node("MatMul", 2), 13, b(), b()));
        assertTrue(e.getMessage().contains("3") && e.getMessage().contains("2"), e.getMessage());
    }

    @Test
    void gemmAlphaBetaBroadcastCAndTransposes() {
        Tensor a = Tensor.ofFloats(new long[] {3, 2}, 1, 2, 3, 4, 5, -6);
        Tensor b = Tensor.ofFloats(new long[] {2, 3}, 1, 0, 2, -1, 3, 1);
        Tensor c = Tensor.ofFloats(new long[] {3}, 1, -2, 0.5f);
        Tensor y = run1(node("Gemm", 3, Attribute.of("alpha", 0.5f), Attribute.of("beta", 2f)), 13, a, b, c);
        assertClose(new double[] {1.5, -1, 3, 1.5, 2, 6, 7.5, -13, 3}, y);
        Tensor t = run1(node("Gemm", 2, Attribute.of("transA", 1L), Attribute.of("transB", 1L)), 13, a, b);
        assertArrayEquals(new long[] {2, 2}, t.shape());
        assertClose(new double[] {11, 13, -10, 4}, t);
    }

    @Test
    void matMulIntegerSubtractsZeroPoints() {
        Tensor x = Tensor.fromLongs(DType.UINT8, new long[] {2, 2}, new long[] {3, 5, 1, 0});
        Tensor w = Tensor.fromLongs(DType.UINT8, new long[] {2, 2}, new long[] {2, 7, 4, 1});
        Tensor y = run1(node("MatMulInteger", 4), 10, x, w, Tensor.fromLongs(DType.UINT8, new long[0], new long[] {1}),
                Tensor.fromLongs(DType.UINT8, new long[0], new long[] {2}));
        assertEquals(DType.INT32, y.dtype());
        assertArrayEquals(new long[] {8, 6, -2, 1}, y.toLongArray());
    }

    @Test
    void detOfABatch() {
        Tensor m = Tensor.ofDoubles(new long[] {2, 3, 3}, 2, 1, 3, 0, -1, 4, 5, 2, 1, 1, 2, 0, 2, 4, 0, 1, 1, 1);
        Tensor d = run1(node("Det", 1), 11, m);
        assertArrayEquals(new long[] {2}, d.shape());
        assertClose(new double[] {17, 0}, d);
    }

    @Test
    void einsumExplicitTraceEllipsisAndBatch() {
        Tensor a = Tensor.ofDoubles(new long[] {3, 2}, 1, 2, 3, 4, 5, -6);
        Tensor b = Tensor.ofDoubles(new long[] {2, 3}, 1, 0, 2, -1, 3, 1);
        assertClose(new double[] {-1, 6, 4, -1, 12, 10, 11, -18, 4},
                run1(node("Einsum", 2, Attribute.of("equation", "ij,jk->ik")), 12, a, b));
        Tensor m = Tensor.ofDoubles(new long[] {3, 3}, 2, 1, 3, 0, -1, 4, 5, 2, 1);
        Tensor trace = run1(node("Einsum", 1, Attribute.of("equation", "ii")), 12, m);
        assertEquals(0, trace.rank());
        assertClose(new double[] {2}, trace);
        Tensor tr = run1(node("Einsum", 1, Attribute.of("equation", "...ij->...ji")), 12, a());
        assertArrayEquals(new long[] {2, 3, 2}, tr.shape());
        assertArrayEquals(new double[] {-4.5, -1.5, -3.5, -0.5, -2.5, 0.5},
                java.util.Arrays.copyOf(tr.toDoubleArray(), 6));
        Tensor bm = Tensor.ofDoubles(new long[] {2, 3, 3}, 2, 1, 3, 0, -1, 4, 5, 2, 1, 1, 2, 0, 2, 4, 0, 1, 1, 1);
        Tensor sq = run1(node("Einsum", 2, Attribute.of("equation", "bij,bjk->bik")), 12, bm, bm);
        assertArrayEquals(new double[] {19, 7, 13, 20}, java.util.Arrays.copyOf(sq.toDoubleArray(), 4));
    }
}
