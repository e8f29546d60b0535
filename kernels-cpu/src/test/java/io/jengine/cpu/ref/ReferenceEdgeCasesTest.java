package io.jengine.cpu.ref;

import static io.jengine.cpu.ref.ReductionKernelsTest.assertClose;
import static io.jengine.cpu.ref.ReductionKernelsTest.axes;
import static io.jengine.cpu.ref.ReductionKernelsTest.node;
import static io.jengine.cpu.ref.ReductionKernelsTest.run1;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jengine.ir.Attribute;
import io.jengine.tensor.DType;
import io.jengine.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** Edge cases across the families: empty sets, unsigned 64-bit, implicit einsum outputs, per-group scales. */
class ReferenceEdgeCasesTest {
    @Test
    void emptySetIdentities() {
        Tensor empty = Tensor.allocate(DType.FLOAT32, 2, 0);
        assertEquals(Double.NEGATIVE_INFINITY, run1(node("ReduceMax", 2), 18, empty, axes(1)).getDouble(0));
        assertEquals(Double.POSITIVE_INFINITY, run1(node("ReduceMin", 2), 18, empty, axes(1)).getDouble(0));
        assertTrue(Double.isNaN(run1(node("ReduceMean", 2), 18, empty, axes(1)).getDouble(0)));
        Tensor emptyInt = Tensor.allocate(DType.INT32, 2, 0);
        assertEquals(Integer.MAX_VALUE, run1(node("ReduceMin", 2), 18, emptyInt, axes(1)).getLong(0));
    }

    @Test
    void unsigned64MaxComparesUnsigned() {
        Tensor u = Tensor.fromLongs(DType.UINT64, new long[] {3}, new long[] {5, -1, 7});
        assertEquals(-1L, run1(node("ReduceMax", 1), 18, u).getLong(0));
        assertEquals(5L, run1(node("ReduceMin", 1), 18, u).getLong(0));
    }

    @Test
    void einsumImplicitOutputIsSortedFreeLabels() {
        Tensor a = Tensor.ofDoubles(new long[] {2, 3}, 1, 2, 3, 4, 5, 6);
        Tensor b = Tensor.ofDoubles(new long[] {3, 2}, 1, 0, 0, 1, 1, 1);
        // "ij,jk" sums j and yields ik; "ba" yields the transpose (output labels sorted: a, b)
        assertClose(new double[] {4, 5, 10, 11}, run1(node("Einsum", 2, Attribute.of("equation", "ij,jk")), 12, a, b));
        Tensor t = run1(node("Einsum", 1, Attribute.of("equation", "ba")), 12, a);
        assertArrayEquals(new long[] {3, 2}, t.shape());
        assertClose(new double[] {1, 4, 2, 5, 3, 6}, t);
    }

    @Test
    void matMulWithEmptyInnerDimGivesZeros() {
        Tensor a = Tensor.allocate(DType.FLOAT32, 2, 0);
        Tensor b = Tensor.allocate(DType.FLOAT32, 0, 3);
        Tensor y = run1(node("MatMul", 2), 13, a, b);
        assertArrayEquals(new long[] {2, 3}, y.shape());
        assertClose(new double[] {0, 0, 0, 0, 0, 0}, y);
    }

    @Test
    void gemmWithoutC() {
        Tensor a = Tensor.ofFloats(new long[] {1, 2}, 2, 3);
        Tensor b = Tensor.ofFloats(new long[] {2, 1}, 4, -1);
        assertClose(new double[] {5}, run1(node("Gemm", 2), 11, a, b));
    }

    @Test
    void groupNormalizationScalePerGroupAtOpset18AndPerChannelAt21() {
        Tensor x = Tensor.ofDoubles(new long[] {1, 4, 1}, 1, 3, 10, 14);
        Tensor y18 = run1(node("GroupNormalization", 3, Attribute.of("num_groups", 2L), Attribute.of("epsilon", 0f)), 18,
                x, Tensor.ofDoubles(new long[] {2}, 1, 2), Tensor.ofDoubles(new long[] {2}, 0, 1));
        assertClose(new double[] {-1, 1, -1, 3}, y18);
        Tensor y21 = run1(node("GroupNormalization", 3, Attribute.of("num_groups", 2L), Attribute.of("epsilon", 0f)), 21,
                x, Tensor.ofDoubles(new long[] {4}, 1, 2, 3, 4), Tensor.ofDoubles(new long[] {4}, 0, 0, 0, 1));
        assertClose(new double[] {-1, 2, -3, 5}, y21);
    }

    @Test
    void integerLogAndNormReductionsTruncateTheDoubleResult() {
        Tensor x = Tensor.ofInts(new long[] {2, 2}, 1, 2, 3, 0);
        assertArrayEquals(new long[] {2, 3}, run1(node("ReduceLogSumExp", 2), 18, x, axes(1)).toLongArray());
        assertArrayEquals(new long[] {2, 3}, run1(node("ReduceL2", 2), 18, x, axes(1)).toLongArray());
        assertEquals(DType.INT32, run1(node("ReduceL2", 2), 18, x, axes(1)).dtype());
    }

    @Test
    void einsumDiagonalAndBroadcastEllipsis() {
        Tensor m = Tensor.ofDoubles(new long[] {3, 3}, 2, 1, 3, 0, -1, 4, 5, 2, 1);
        assertClose(new double[] {2, -1, 1}, run1(node("Einsum", 1, Attribute.of("equation", "ii->i")), 12, m));
        Tensor a = Tensor.ofDoubles(new long[] {2, 1, 2}, 1, 2, 3, 4);
        Tensor b = Tensor.ofDoubles(new long[] {2, 1}, 5, 6);
        Tensor y = run1(node("Einsum", 2, Attribute.of("equation", "...ij,jk->...ik")), 12, a, b);
        assertArrayEquals(new long[] {2, 1, 1}, y.shape());
        assertClose(new double[] {17, 39}, y);
    }

    @Test
    void integerMatMulWrapsLikeC() {
        Tensor a = Tensor.ofInts(new long[] {1, 2}, Integer.MAX_VALUE, 1);
        Tensor b = Tensor.ofInts(new long[] {2, 1}, 2, 3);
        assertEquals((long) (Integer.MAX_VALUE * 2 + 3), run1(node("MatMul", 2), 13, a, b).getLong(0));
    }

    @Test
    void quantizeToInt16AndUint16() {
        Tensor x = Tensor.ofFloats(new long[] {3}, 100000, -7.5f, 3);
        Tensor i16 = run1(node("QuantizeLinear", 3), 21, x, Tensor.ofFloats(new long[0], 1),
                Tensor.fromLongs(DType.INT16, new long[0], new long[] {0}));
        assertArrayEquals(new long[] {32767, -8, 3}, i16.toLongArray());
        Tensor u16 = run1(node("QuantizeLinear", 3), 21, x, Tensor.ofFloats(new long[0], 1),
                Tensor.fromLongs(DType.UINT16, new long[0], new long[] {10}));
        assertArrayEquals(new long[] {65535, 2, 13}, u16.toLongArray());
    }

    @Test
    void int64MatMulKeepsEveryBit() {
        long big = (1L << 53) + 1;
        Tensor a = Tensor.ofLongs(new long[] {1, 2}, big, 1);
        Tensor b = Tensor.ofLongs(new long[] {2, 1}, 1, 2);
        assertEquals(big + 2, run1(node("MatMul", 2), 13, a, b).getLong(0));
        Tensor w = Tensor.ofLongs(new long[] {1, 1}, Long.MAX_VALUE);
        assertEquals(Long.MAX_VALUE * 2, run1(node("MatMul", 2), 13, w, Tensor.ofLongs(new long[] {1, 1}, 2)).getLong(0));
    }

    @Test
    void int64EinsumKeepsEveryBit() {
        long big = (1L << 53) + 1;
        Tensor a = Tensor.ofLongs(new long[] {2}, big, 1);
        Tensor b = Tensor.ofLongs(new long[] {2}, 1, 2);
        assertEquals(big + 2, run1(node("Einsum", 2, Attribute.of("equation", "i,i->")), 12, a, b).getLong(0));
    }
}
