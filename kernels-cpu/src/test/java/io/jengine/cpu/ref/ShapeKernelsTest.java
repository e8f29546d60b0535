package io.jengine.cpu.ref;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jengine.ir.Attribute;
import io.jengine.ir.Node;
import io.jengine.tensor.OptionalValue;
import io.jengine.tensor.TensorSequence;
import io.jengine.tensor.Value;
import io.jengine.tensor.DType;
import io.jengine.tensor.Tensor;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Constants, identity, reshaping, concatenation, splitting, slicing, padding and the other layout ops. */
class ShapeKernelsTest {

    static Node node(String op, int inputs, int outputs, Attribute... attrs) {
        String[] in = new String[inputs];
        for (int i = 0; i < inputs; i++) in[i] = "x" + i;
        String[] out = new String[outputs];
        for (int i = 0; i < outputs; i++) out[i] = "y" + i;
        Node.Builder b = Node.builder(op).inputs(in).outputs(out);
        for (Attribute a : attrs) b.attr(a);
        return b.build();
    }

    static Tensor run1(Node n, int opset, Value... in) { return (Tensor) KernelHarness.run(n, opset, in)[0]; }

    static Tensor longs(long[] shape, long... v) { return Tensor.ofLongs(shape, v); }

    static Tensor vec(long... v) { return Tensor.ofLongs(new long[] {v.length}, v); }

    static Tensor iota(DType t, long... shape) {
        Tensor x = Tensor.allocate(t, shape);
        for (long i = 0; i < x.size(); i++) x.setLong(i, i);
        return x;
    }

    static void assertTensor(Tensor t, long[] shape, long... values) {
        assertArrayEquals(shape, t.shape(), "shape");
        assertArrayEquals(values, t.toLongArray(), "values");
    }

    @Test
    void constantFromEachAttributeKind() {
        Tensor ints = run1(node("Constant", 0, 1, Attribute.of("value_ints", new long[] {3, -1})), 13);
        assertTensor(ints, new long[] {2}, 3, -1);
        assertEquals(DType.INT64, ints.dtype());
        Tensor f = run1(node("Constant", 0, 1, Attribute.of("value_float", 2.5f)), 13);
        assertEquals(DType.FLOAT32, f.dtype());
        assertEquals(0, f.rank());
        assertEquals(2.5, f.getDouble(0));
        Tensor s = run1(node("Constant", 0, 1, Attribute.ofStrings("value_strings", List.of("a", "bc"))), 13);
        assertArrayEquals(new String[] {"a", "bc"}, s.toStringArray());
        assertThrows(IllegalArgumentException.class, () -> run1(node("Constant", 0, 1), 13));
    }

    @Test
    void identityReturnsEqualNewValuesForTensorsSequencesAndOptionals() {
        Node n = node("Identity", 1, 1);
        Tensor x = Tensor.ofStrings(new long[] {2}, "p", "q");
        Tensor y = run1(n, 16, x);
        assertNotSame(x, y);
        assertArrayEquals(new String[] {"p", "q"}, y.toStringArray());
        TensorSequence seq = new TensorSequence(DType.INT64, List.of(vec(1, 2), vec(3)));
        TensorSequence seqOut = (TensorSequence) KernelHarness.run(n, 16, seq)[0];
        assertNotSame(seq, seqOut);
        assertEquals(2, seqOut.size());
        assertNotSame(seq.get(0), seqOut.get(0));
        assertArrayEquals(new long[] {3}, seqOut.get(1).toLongArray());
        OptionalValue opt = new OptionalValue(null, vec(7));
        OptionalValue optOut = (OptionalValue) KernelHarness.run(n, 16, opt)[0];
        assertNotSame(opt, optOut);
        assertArrayEquals(new long[] {7}, ((Tensor) optOut.content()).toLongArray());
        OptionalValue empty = OptionalValue.empty(null);
        assertTrue(!((OptionalValue) KernelHarness.run(n, 16, empty)[0]).isPresent());
    }

    @Test
    void reshapeCopiesZeroDimsInfersMinusOneAndHonoursAllowZero() {
        Tensor x = iota(DType.FLOAT32, 2, 3, 4);
        assertTensor(run1(node("Reshape", 2, 1), 14, x, vec(0, -1, 2)), new long[] {2, 6, 2},
                x.toLongArray());
        Tensor empty = Tensor.allocate(DType.FLOAT32, 0, 3);
        Tensor z = run1(node("Reshape", 2, 1, Attribute.of("allowzero", 1L)), 14, empty, vec(3, 0));
        assertArrayEquals(new long[] {3, 0}, z.shape());
        assertTensor(run1(node("Reshape", 1, 1, Attribute.of("shape", new long[] {-1, 8})), 1, x),
                new long[] {3, 8}, x.toLongArray());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> run1(node("Reshape", 2, 1), 14, x, vec(-1, -1)));
        assertTrue(e.getMessage().contains("two -1"), e.getMessage());
    }

    @Test
    void flattenSqueezeUnsqueezeAcrossOpsets() {
        Tensor x = iota(DType.INT32, 2, 1, 3);
        assertArrayEquals(new long[] {2, 3}, run1(node("Flatten", 1, 1, Attribute.of("axis", -2L)), 13, x).shape());
        assertArrayEquals(new long[] {1, 6}, run1(node("Flatten", 1, 1, Attribute.of("axis", 0L)), 13, x).shape());
        assertArrayEquals(new long[] {2, 3},
                run1(node("Squeeze", 1, 1, Attribute.of("axes", new long[] {-2})), 11, x).shape());
        assertArrayEquals(new long[] {2, 3}, run1(node("Squeeze", 2, 1), 13, x, vec(1)).shape());
        assertArrayEquals(new long[] {2, 3}, run1(node("Squeeze", 1, 1), 13, x).shape());
        assertArrayEquals(new long[] {1, 2, 1, 3, 1},
                run1(node("Unsqueeze", 1, 1, Attribute.of("axes", new long[] {0, -1})), 11, x).shape());
        assertArrayEquals(new long[] {2, 1, 1, 3}, run1(node("Unsqueeze", 2, 1), 13, x, vec(2)).shape());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> run1(node("Squeeze", 2, 1), 13, x, vec(0)));
        assertTrue(e.getMessage().contains("size 2"), e.getMessage());
    }

    @Test
    void transposeMovesBoolsAndStrings() {
        Tensor x = Tensor.ofStrings(new long[] {2, 3}, "a", "b", "c", "d", "e", "f");
        Tensor y = run1(node("Transpose", 1, 1), 13, x);
        assertArrayEquals(new long[] {3, 2}, y.shape());
        assertArrayEquals(new String[] {"a", "d", "b", "e", "c", "f"}, y.toStringArray());
        Tensor z = run1(node("Transpose", 1, 1, Attribute.of("perm", new long[] {1, 2, 0})), 13,
                iota(DType.INT16, 2, 2, 3));
        // out[i,j,k] = x[k,i,j]
        assertTensor(z, new long[] {2, 3, 2}, 0, 6, 1, 7, 2, 8, 3, 9, 4, 10, 5, 11);
        assertThrows(IllegalArgumentException.class, () -> run1(node("Transpose", 1, 1,
                Attribute.of("perm", new long[] {0, 0})), 13, x));
    }

    @Test
    void concatOnNegativeAxisAndRejectsMismatch() {
        Tensor a = Tensor.ofBools(new long[] {2, 1}, true, false);
        Tensor b = Tensor.ofBools(new long[] {2, 2}, false, true, true, true);
        Tensor y = run1(node("Concat", 2, 1, Attribute.of("axis", -1L)), 13, a, b);
        assertTensor(y, new long[] {2, 3}, 1, 0, 1, 0, 1, 1);
        assertEquals(DType.BOOL, y.dtype());
        assertThrows(IllegalArgumentException.class,
                () -> run1(node("Concat", 2, 1, Attribute.of("axis", 0L)), 13, a, b));
    }

    @Test
    void splitBySizesAndByUnevenOutputCount() {
        Tensor x = iota(DType.INT64, 5);
        Value[] parts = KernelHarness.run(node("Split", 1, 3, Attribute.of("num_outputs", 3L)), 18, x);
        assertTensor((Tensor) parts[0], new long[] {2}, 0, 1);
        assertTensor((Tensor) parts[2], new long[] {1}, 4);
        Value[] two = KernelHarness.run(node("Split", 2, 2, Attribute.of("axis", -1L)), 13,
                iota(DType.FLOAT32, 2, 5), vec(1, 4));
        assertTensor((Tensor) two[0], new long[] {2, 1}, 0, 5);
        assertTensor((Tensor) two[1], new long[] {2, 4}, 1, 2, 3, 4, 6, 7, 8, 9);
        Value[] attr = KernelHarness.run(node("Split", 1, 2, Attribute.of("split", new long[] {3, 2})), 11, x);
        assertTensor((Tensor) attr[1], new long[] {2}, 3, 4);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> KernelHarness.run(node("Split", 2, 2), 13, x, vec(1, 2)));
        assertTrue(e.getMessage().contains("do not add up"), e.getMessage());
    }

    @Test
    void sliceWithNegativeStepsClampingAndOpset1Attributes() {
        Tensor x = iota(DType.INT32, 4, 5);
        // numpy: x[3:0:-2, -1:-100:-2]
        Tensor y = run1(node("Slice", 5, 1), 13, x, vec(3, -1), vec(0, -100), vec(0, 1), vec(-2, -2));
        assertTensor(y, new long[] {2, 3}, 19, 17, 15, 9, 7, 5);
        // a backward start before the axis clamps to 0 (spec), so [-100:-200:-1] keeps element 0
        assertTensor(run1(node("Slice", 4, 1), 13, x, vec(-100), vec(-200), vec(1), vec(-1)), new long[] {4, 1},
                0, 5, 10, 15);
        assertArrayEquals(new long[] {4, 0}, run1(node("Slice", 5, 1), 13, Tensor.allocate(DType.INT32, 4, 0),
                vec(-1), vec(-10), vec(1), vec(-1)).shape());
        Tensor big = run1(node("Slice", 3, 1), 13, x, vec(1), vec(Long.MAX_VALUE));
        assertTensor(big, new long[] {3, 5}, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19);
        Tensor old = run1(node("Slice", 1, 1, Attribute.of("starts", new long[] {1}),
                Attribute.of("ends", new long[] {3}), Attribute.of("axes", new long[] {1})), 1, x);
        assertTensor(old, new long[] {4, 2}, 1, 2, 6, 7, 11, 12, 16, 17);
        assertThrows(IllegalArgumentException.class, () -> run1(node("Slice", 5, 1), 13, x, vec(0), vec(1),
                vec(0), vec(0)));
        assertThrows(IllegalArgumentException.class, () -> run1(node("Slice", 3, 1), 13, x, vec(0, 0), vec(1)));
        assertThrows(IllegalArgumentException.class, () -> run1(node("Slice", 3, 1), 13, Tensor.scalar(DType.INT32, 1),
                vec(0), vec(1)));
    }

    @Test
    void padModesAxesInputAndAttributeForm() {
        Tensor a = longs(new long[] {2, 3}, 1, 2, 3, 4, 5, 6);
        assertTensor(run1(node("Pad", 2, 1, Attribute.of("mode", "reflect")), 13, a, vec(0, 2, 0, 1)),
                new long[] {2, 6}, 3, 2, 1, 2, 3, 2, 6, 5, 4, 5, 6, 5);
        assertTensor(run1(node("Pad", 2, 1, Attribute.of("mode", "edge")), 13, a, vec(1, 0, 0, 1)),
                new long[] {3, 4}, 1, 2, 3, 3, 1, 2, 3, 3, 4, 5, 6, 6);
        assertTensor(run1(node("Pad", 2, 1, Attribute.of("mode", "wrap")), 19, a, vec(0, 1, 1, 1)),
                new long[] {3, 5}, 3, 1, 2, 3, 1, 6, 4, 5, 6, 4, 3, 1, 2, 3, 1);
        // opset 18 axes input: pad only the last axis with the constant 9 (and crop one from the front)
        assertTensor(run1(node("Pad", 4, 1), 18, a, vec(-1, 1), longs(new long[0], 9), vec(-1)),
                new long[] {2, 3}, 2, 3, 9, 5, 6, 9);
        Tensor old = run1(node("Pad", 1, 1, Attribute.of("pads", new long[] {0, 1, 0, 0}),
                Attribute.of("value", 1.5f)), 2, Tensor.ofFloats(new long[] {1, 2}, 4f, 5f));
        assertArrayEquals(new double[] {1.5, 4, 5}, old.toDoubleArray());
        assertThrows(IllegalArgumentException.class, () -> run1(node("Pad", 2, 1), 13, a, vec(1, 1)));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> run1(node("Pad", 2, 1, Attribute.of("mode", "mirror")), 13, a, vec(0, 0, 0, 0)));
        assertTrue(e.getMessage().contains("'mode'"), e.getMessage());
    }

    @Test
    void expandTileAndCenterCropPad() {
        Tensor x = longs(new long[] {3, 1}, 1, 2, 3);
        assertTensor(run1(node("Expand", 2, 1), 13, x, vec(2, 1, 2)), new long[] {2, 3, 2},
                1, 1, 2, 2, 3, 3, 1, 1, 2, 2, 3, 3);
        assertTensor(run1(node("Tile", 2, 1), 13, longs(new long[] {1, 2}, 7, 8), vec(2, 2)),
                new long[] {2, 4}, 7, 8, 7, 8, 7, 8, 7, 8);
        assertThrows(IllegalArgumentException.class, () -> run1(node("Tile", 2, 1), 13, x, vec(2)));
        assertTensor(run1(node("Tile", 3, 1), 1, longs(new long[] {2, 1}, 7, 8), longs(new long[0], 3),
                longs(new long[0], -1)), new long[] {2, 3}, 7, 7, 7, 8, 8, 8);
        // crop 5 -> 2 takes [1, 3); pad 1 -> 4 puts one zero before and two after
        Tensor c = run1(node("CenterCropPad", 2, 1), 18, longs(new long[] {5, 1}, 1, 2, 3, 4, 5), vec(2, 4));
        assertTensor(c, new long[] {2, 4}, 0, 2, 0, 0, 0, 3, 0, 0);
    }

    @Test
    void shapeSizeConstantOfShapeRange() {
        Tensor x = Tensor.allocate(DType.UINT8, 2, 3, 4, 5);
        assertTensor(run1(node("Shape", 1, 1, Attribute.of("start", 1L), Attribute.of("end", -1L)), 15, x),
                new long[] {2}, 3, 4);
        assertTensor(run1(node("Shape", 1, 1, Attribute.of("start", -10L)), 15, x), new long[] {4}, 2, 3, 4, 5);
        assertTensor(run1(node("Size", 1, 1), 13, x), new long[0], 120);
        Tensor fill = Tensor.ofInts(new long[] {1}, 6);
        Tensor c = run1(node("ConstantOfShape", 1, 1, Attribute.of("value", fill)), 9, vec(2, 2));
        assertEquals(DType.INT32, c.dtype());
        assertTensor(c, new long[] {2, 2}, 6, 6, 6, 6);
        assertEquals(DType.FLOAT32, run1(node("ConstantOfShape", 1, 1), 9, vec(1)).dtype());
        Tensor r = run1(node("Range", 3, 1), 11, longs(new long[0], 10), longs(new long[0], 3),
                longs(new long[0], -3));
        assertTensor(r, new long[] {3}, 10, 7, 4);
        long far = 1L << 60;
        Tensor exact = run1(node("Range", 3, 1), 11, longs(new long[0], far), longs(new long[0], far + 3),
                longs(new long[0], 2));
        assertTensor(exact, new long[] {2}, far, far + 2);
        Tensor rf = run1(node("Range", 3, 1), 11, Tensor.scalar(DType.FLOAT32, 1), Tensor.scalar(DType.FLOAT32, 2),
                Tensor.scalar(DType.FLOAT32, 0.25));
        assertArrayEquals(new double[] {1, 1.25, 1.5, 1.75}, rf.toDoubleArray());
    }

    @Test
    void triluEyeLikeOneHot() {
        Tensor x = longs(new long[] {3, 3}, 1, 2, 3, 4, 5, 6, 7, 8, 9);
        assertTensor(run1(node("Trilu", 2, 1), 14, x, longs(new long[0], 1)), new long[] {3, 3},
                0, 2, 3, 0, 0, 6, 0, 0, 0);
        assertTensor(run1(node("Trilu", 2, 1, Attribute.of("upper", 0L)), 14, x, longs(new long[0], -1)),
                new long[] {3, 3}, 0, 0, 0, 4, 0, 0, 7, 8, 0);
        assertThrows(IllegalArgumentException.class, () -> run1(node("Trilu", 1, 1), 14, vec(1, 2)));
        Tensor eye = run1(node("EyeLike", 1, 1, Attribute.of("k", -1L), Attribute.of("dtype", 9L)), 9,
                Tensor.allocate(DType.FLOAT32, 3, 2));
        assertEquals(DType.BOOL, eye.dtype());
        assertTensor(eye, new long[] {3, 2}, 0, 0, 1, 0, 0, 1);
        // indices [1, -1, 5] with depth 3 along axis 0; 5 is out of range and gives an all-off column
        Tensor oh = run1(node("OneHot", 3, 1, Attribute.of("axis", 0L)), 11, vec(1, -1, 5),
                Tensor.scalar(DType.FLOAT32, 3), Tensor.ofFloats(new long[] {2}, -1f, 4f));
        assertArrayEquals(new double[] {-1, -1, -1, 4, -1, -1, -1, 4, -1}, oh.toDoubleArray());
        assertArrayEquals(new long[] {3, 3}, oh.shape());
    }

    @Test
    void depthToSpaceModesAndSpaceToDepthInverse() {
        Tensor x = iota(DType.FLOAT16, 1, 8, 1, 1);
        Tensor dcr = run1(node("DepthToSpace", 1, 1, Attribute.of("blocksize", 2L)), 13, x);
        assertTensor(dcr, new long[] {1, 2, 2, 2}, 0, 2, 4, 6, 1, 3, 5, 7);
        Tensor crd = run1(node("DepthToSpace", 1, 1, Attribute.of("blocksize", 2L), Attribute.of("mode", "CRD")),
                13, x);
        assertTensor(crd, new long[] {1, 2, 2, 2}, 0, 1, 2, 3, 4, 5, 6, 7);
        Tensor back = run1(node("SpaceToDepth", 1, 1, Attribute.of("blocksize", 2L)), 13, dcr);
        assertTensor(back, new long[] {1, 8, 1, 1}, 0, 1, 2, 3, 4, 5, 6, 7);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> run1(node("DepthToSpace", 1, 1, Attribute.of("blocksize", 0L)), 13, x));
        assertTrue(e.getMessage().contains("blocksize"), e.getMessage());
    }

    @Test
    void reverseSequenceReversesEachBatchPrefix() {
        Tensor x = iota(DType.INT64, 4, 3);
        Tensor y = run1(node("ReverseSequence", 2, 1, Attribute.of("batch_axis", 1L), Attribute.of("time_axis", 0L)),
                10, x, vec(4, 1, 3));
        assertTensor(y, new long[] {4, 3}, 9, 1, 8, 6, 4, 5, 3, 7, 2, 0, 10, 11);
        assertThrows(IllegalArgumentException.class, () -> run1(node("ReverseSequence", 2, 1), 10, x, vec(5, 1, 1)));
        assertThrows(IllegalArgumentException.class, () -> run1(node("ReverseSequence", 2, 1,
                Attribute.of("batch_axis", 1L), Attribute.of("time_axis", 1L)), 10, x, vec(1, 1, 1)));
    }

    @Test
    void dropoutIsIdentityAtInferenceAndSeededInTraining() {
        Tensor x = Tensor.ofFloats(new long[] {6}, 1, 2, 3, 4, 5, 6);
        Value[] inf = KernelHarness.run(node("Dropout", 1, 2), 13, x);
        assertArrayEquals(x.toDoubleArray(), ((Tensor) inf[0]).toDoubleArray());
        assertTensor((Tensor) inf[1], new long[] {6}, 1, 1, 1, 1, 1, 1);
        Value[] old = KernelHarness.run(node("Dropout", 1, 2), 7, x);
        assertEquals(DType.FLOAT32, ((Tensor) old[1]).dtype());
        // numpy: np.random.seed(0); np.random.uniform(0, 1, 6) >= 0.5 -> [T, T, T, T, F, T]
        Value[] train = KernelHarness.run(node("Dropout", 3, 2, Attribute.of("seed", 0L)), 13, x,
                Tensor.scalar(DType.FLOAT32, 0.5), Tensor.ofBools(new long[0], true));
        assertArrayEquals(new double[] {2, 4, 6, 8, 0, 12}, ((Tensor) train[0]).toDoubleArray());
        assertTensor((Tensor) train[1], new long[] {6}, 1, 1, 1, 1, 0, 1);
        assertThrows(IllegalArgumentException.class, () -> KernelHarness.run(node("Dropout", 3, 1), 13, x,
                Tensor.scalar(DType.FLOAT32, 1.0), Tensor.ofBools(new long[0], true)));
        // without a seed the mask is random, but every kept element is scaled by 1 / (1 - 0.25)
        Value[] free = KernelHarness.run(node("Dropout", 3, 2), 13, x, Tensor.scalar(DType.FLOAT32, 0.25),
                Tensor.ofBools(new long[0], true));
        Tensor y = (Tensor) free[0], mask = (Tensor) free[1];
        for (int i = 0; i < 6; i++) {
            assertEquals(mask.getBool(i) ? (i + 1) / 0.75 : 0.0, y.getDouble(i), 1e-6);
        }
    }
}
