package io.jengine.cpu.ref;

import static io.jengine.cpu.ref.ShapeKernelsTest.assertTensor;
import static io.jengine.cpu.ref.ShapeKernelsTest.iota;
import static io.jengine.cpu.ref.ShapeKernelsTest.longs;
import static io.jengine.cpu.ref.ShapeKernelsTest.node;
import static io.jengine.cpu.ref.ShapeKernelsTest.run1;
import static io.jengine.cpu.ref.ShapeKernelsTest.vec;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jengine.ir.Attribute;
import io.jengine.tensor.Value;
import io.jengine.tensor.DType;
import io.jengine.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** Gathers, scatters, TensorScatter and the selecting ops (TopK, ArgMax/ArgMin, Unique, NonZero, Compress). */
class GatherScatterKernelsTest {

    @Test
    void gatherWithNegativeIndicesOnAxisOne() {
        Tensor y = run1(node("Gather", 2, 1, Attribute.of("axis", 1L)), 13, iota(DType.INT8, 2, 3),
                longs(new long[] {2, 2}, 2, -1, 0, 1));
        assertTensor(y, new long[] {2, 2, 2}, 2, 2, 0, 1, 5, 5, 3, 4);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> run1(node("Gather", 2, 1), 13, iota(DType.INT8, 2, 3), vec(2)));
        assertTrue(e.getMessage().contains("out of range"), e.getMessage());
        IllegalArgumentException scalar = assertThrows(IllegalArgumentException.class,
                () -> run1(node("Gather", 2, 1), 13, Tensor.scalar(DType.INT8, 3), vec(0)));
        assertTrue(scalar.getMessage().contains("rank >= 1"), scalar.getMessage());
    }

    @Test
    void gatherElementsAndGatherNdWithBatchDims() {
        Tensor ge = run1(node("GatherElements", 2, 1, Attribute.of("axis", 1L)), 13,
                longs(new long[] {2, 2}, 1, 2, 3, 4), longs(new long[] {2, 2}, 0, 0, 1, -1));
        assertTensor(ge, new long[] {2, 2}, 1, 1, 4, 4);
        Tensor strings = Tensor.ofStrings(new long[] {2, 2}, "a", "b", "c", "d");
        Tensor gs = run1(node("GatherElements", 2, 1), 13, strings, longs(new long[] {1, 2}, 1, 0));
        assertArrayEquals(new String[] {"c", "b"}, gs.toStringArray());
        assertThrows(IllegalArgumentException.class, () -> run1(node("GatherElements", 2, 1), 13, strings,
                longs(new long[] {1, 3}, 0, 0, 0)));
        // data [2,3,2], indices [2,2,1], batch_dims 1: out[b,j] = data[b, idx[b,j,0]]
        Tensor nd = run1(node("GatherND", 2, 1, Attribute.of("batch_dims", 1L)), 13, iota(DType.FLOAT64, 2, 3, 2),
                longs(new long[] {2, 2, 1}, 1, 0, 2, 1));
        assertTensor(nd, new long[] {2, 2, 2}, 2, 3, 0, 1, 10, 11, 8, 9);
        assertThrows(IllegalArgumentException.class, () -> run1(node("GatherND", 2, 1), 13,
                iota(DType.FLOAT64, 2, 3), longs(new long[] {1, 3}, 0, 0, 0)));
    }

    @Test
    void scatterElementsReductionsAccumulateDuplicates() {
        Tensor data = longs(new long[] {2, 3}, 1, 2, 3, 4, 5, 6);
        Tensor idx = longs(new long[] {2, 2}, 0, 0, 2, -1);
        Tensor upd = longs(new long[] {2, 2}, 10, 20, 30, 40);
        assertTensor(run1(node("ScatterElements", 3, 1, Attribute.of("axis", 1L), Attribute.of("reduction", "add")),
                18, data, idx, upd), new long[] {2, 3}, 31, 2, 3, 4, 5, 76);
        assertTensor(run1(node("ScatterElements", 3, 1, Attribute.of("axis", 1L), Attribute.of("reduction", "mul")),
                18, data, idx, upd), new long[] {2, 3}, 200, 2, 3, 4, 5, 7200);
        assertTensor(run1(node("Scatter", 3, 1, Attribute.of("axis", 1L)), 9, data,
                longs(new long[] {1, 1}, 1), longs(new long[] {1, 1}, -9)), new long[] {2, 3}, 1, -9, 3, 4, 5, 6);
        // uint64 max must compare unsigned: 2^63 beats 1
        Tensor u = Tensor.fromLongs(DType.UINT64, new long[] {2}, new long[] {1, 5});
        Tensor big = Tensor.fromLongs(DType.UINT64, new long[] {1}, new long[] {Long.MIN_VALUE});
        assertTensor(run1(node("ScatterElements", 3, 1, Attribute.of("reduction", "max")), 18, u, vec(0), big),
                new long[] {2}, Long.MIN_VALUE, 5);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> run1(node("ScatterElements",
                3, 1, Attribute.of("reduction", "sum")), 18, data, idx, upd));
        assertTrue(e.getMessage().contains("reduction"), e.getMessage());
    }

    @Test
    void scatterNdAddsSlicesAndChecksUpdateShape() {
        Tensor data = iota(DType.INT32, 2, 2, 2);
        Tensor upd = longs(new long[] {2, 2, 2}, 1, 1, 1, 1, 2, 2, 2, 2);
        Tensor y = run1(node("ScatterND", 3, 1, Attribute.of("reduction", "add")), 18, data,
                longs(new long[] {2, 1}, 1, 1), Tensor.fromLongs(DType.INT32, upd.shape(), upd.toLongArray()));
        assertTensor(y, new long[] {2, 2, 2}, 0, 1, 2, 3, 7, 8, 9, 10);
        assertThrows(IllegalArgumentException.class, () -> run1(node("ScatterND", 3, 1), 13, data,
                longs(new long[] {1, 1}, 0), Tensor.allocate(DType.INT32, 2, 2, 2)));
    }

    @Test
    void tensorScatterLinearAndCircular() {
        Tensor past = iota(DType.FLOAT32, 2, 4, 1);
        Tensor update = Tensor.ofFloats(new long[] {2, 2, 1}, 10, 11, 20, 21);
        Tensor lin = run1(node("TensorScatter", 3, 1), 24, past, update, vec(2, 0));
        assertTensor(lin, new long[] {2, 4, 1}, 0, 1, 10, 11, 20, 21, 6, 7);
        Tensor circ = run1(node("TensorScatter", 3, 1, Attribute.of("mode", "circular")), 24, past, update,
                vec(1, 3));
        assertTensor(circ, new long[] {2, 4, 1}, 0, 10, 11, 3, 21, 5, 6, 20);
        Tensor noIdx = run1(node("TensorScatter", 2, 1, Attribute.of("axis", 1L)), 24, past, update);
        assertTensor(noIdx, new long[] {2, 4, 1}, 10, 11, 2, 3, 20, 21, 6, 7);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> run1(node("TensorScatter", 3, 1), 24, past, update, vec(1, 3)));
        assertTrue(e.getMessage().contains("write_indices[1]"), e.getMessage());
    }

    @Test
    void topKBreaksTiesByLowerIndex() {
        Tensor x = longs(new long[] {2, 4}, 3, 1, 1, 2, 5, 5, 0, 5);
        Value[] small = KernelHarness.run(node("TopK", 2, 2, Attribute.of("largest", 0L)), 11, x, vec(2));
        assertTensor((Tensor) small[0], new long[] {2, 2}, 1, 1, 0, 5);
        assertTensor((Tensor) small[1], new long[] {2, 2}, 1, 2, 2, 0);
        Value[] large = KernelHarness.run(node("TopK", 1, 2, Attribute.of("k", 2L), Attribute.of("axis", 0L)), 1, x);
        assertTensor((Tensor) large[0], new long[] {2, 4}, 5, 5, 1, 5, 3, 1, 0, 2);
        assertTensor((Tensor) large[1], new long[] {2, 4}, 1, 1, 0, 1, 0, 0, 1, 0);
        assertThrows(IllegalArgumentException.class, () -> KernelHarness.run(node("TopK", 2, 2), 11, x, vec(5)));
        // ONNX's reference (lexsort on -x or x, then index): NaN comes after every number in both directions
        Tensor f = Tensor.ofFloats(new long[] {5}, Float.NaN, 1, 3, Float.NaN, 2);
        assertTensor((Tensor) KernelHarness.run(node("TopK", 2, 2), 11, f, vec(3))[1], new long[] {3}, 2, 4, 1);
        assertTensor((Tensor) KernelHarness.run(node("TopK", 2, 2, Attribute.of("largest", 0L)), 11, f, vec(4))[1],
                new long[] {4}, 1, 4, 2, 0);
    }

    @Test
    void argMaxArgMinSelectLastIndexAndNaN() {
        Tensor x = Tensor.ofFloats(new long[] {2, 3}, 1, 3, 3, 2, Float.NaN, Float.NaN);
        assertTensor(run1(node("ArgMax", 1, 1, Attribute.of("axis", 1L), Attribute.of("keepdims", 0L)), 13, x),
                new long[] {2}, 1, 1);
        assertTensor(run1(node("ArgMax", 1, 1, Attribute.of("axis", -1L), Attribute.of("select_last_index", 1L)),
                13, x), new long[] {2, 1}, 2, 2);
        assertTensor(run1(node("ArgMin", 1, 1, Attribute.of("axis", 1L), Attribute.of("keepdims", 0L)), 13, x),
                new long[] {2}, 0, 1);
        assertTensor(run1(node("ArgMin", 1, 1), 13, x), new long[] {1, 3}, 0, 1, 1);
        assertThrows(IllegalArgumentException.class,
                () -> run1(node("ArgMax", 1, 1, Attribute.of("axis", 2L)), 13, x));
    }

    @Test
    void uniqueSortedAndUnsortedGiveAllFourOutputs() {
        Tensor x = longs(new long[] {6}, 2, 1, 1, 3, 4, 3);
        Value[] s = KernelHarness.run(node("Unique", 1, 4), 11, x);
        assertTensor((Tensor) s[0], new long[] {4}, 1, 2, 3, 4);
        assertTensor((Tensor) s[1], new long[] {4}, 1, 0, 3, 4);
        assertTensor((Tensor) s[2], new long[] {6}, 1, 0, 0, 2, 3, 2);
        assertTensor((Tensor) s[3], new long[] {4}, 2, 1, 2, 1);
        Value[] u = KernelHarness.run(node("Unique", 1, 4, Attribute.of("sorted", 0L)), 11, x);
        assertTensor((Tensor) u[0], new long[] {4}, 2, 1, 3, 4);
        assertTensor((Tensor) u[1], new long[] {4}, 0, 1, 3, 4);
        assertTensor((Tensor) u[2], new long[] {6}, 0, 1, 1, 2, 3, 2);
        assertTensor((Tensor) u[3], new long[] {4}, 1, 2, 2, 1);
        // numpy 2: -0.0 joins 0.0, the NaNs collapse into one value sorted last
        Value[] f = KernelHarness.run(node("Unique", 1, 4), 11,
                Tensor.ofDoubles(new long[] {6}, 1.0, 0.0, -0.0, Double.NaN, 1.0, Double.NaN));
        assertArrayEquals(new double[] {0, 1, Double.NaN}, ((Tensor) f[0]).toDoubleArray());
        assertTensor((Tensor) f[1], new long[] {3}, 1, 0, 3);
        assertTensor((Tensor) f[2], new long[] {6}, 1, 0, 0, 2, 1, 2);
        assertTensor((Tensor) f[3], new long[] {3}, 2, 2, 2);
        Tensor u64 = Tensor.fromLongs(DType.UINT64, new long[] {3}, new long[] {-1L, 5, -1L});
        assertTensor((Tensor) KernelHarness.run(node("Unique", 1, 1), 11, u64)[0], new long[] {2}, 5, -1L);
        // axis 0 on rows: rows 0 and 2 are equal
        Value[] rows = KernelHarness.run(node("Unique", 1, 4, Attribute.of("axis", 0L)), 11,
                longs(new long[] {3, 2}, 1, 0, 0, 1, 1, 0));
        assertTensor((Tensor) rows[0], new long[] {2, 2}, 0, 1, 1, 0);
        assertTensor((Tensor) rows[2], new long[] {3}, 1, 0, 1);
    }

    @Test
    void nonZeroAndCompress() {
        Tensor nz = run1(node("NonZero", 1, 1), 13, Tensor.ofBools(new long[] {2, 2}, true, false, false, true));
        assertTensor(nz, new long[] {2, 2}, 0, 1, 0, 1);
        Tensor flat = run1(node("Compress", 2, 1), 11, iota(DType.INT32, 2, 3),
                Tensor.ofBools(new long[] {3}, false, true, true));
        assertTensor(flat, new long[] {2}, 1, 2);
        Tensor cols = run1(node("Compress", 2, 1, Attribute.of("axis", -1L)), 11, iota(DType.INT32, 2, 3),
                Tensor.ofBools(new long[] {3}, true, false, true));
        assertTensor(cols, new long[] {2, 2}, 0, 2, 3, 5);
        assertEquals(DType.INT32, cols.dtype());
    }
}
