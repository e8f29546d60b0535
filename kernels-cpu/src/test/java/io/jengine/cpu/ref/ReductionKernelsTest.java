package io.jengine.cpu.ref;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jengine.ir.Attribute;
import io.jengine.ir.Node;
import io.jengine.tensor.Value;
import io.jengine.tensor.DType;
import io.jengine.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** Reduce*, CumSum/CumProd and Softmax/LogSoftmax/Hardmax against values computed with numpy. */
class ReductionKernelsTest {
    private static final float[] X = {1, -2, 3, 4, 5, -6, 0.5f, 7, -1, 2, -3, 8};

    static Node node(String op, int inputs, Attribute... attrs) {
        String[] in = new String[inputs];
        for (int i = 0; i < inputs; i++) in[i] = "x" + i;
        Node.Builder b = Node.builder(op).inputs(in).outputs("y");
        for (Attribute a : attrs) b.attr(a);
        return b.build();
    }

    static Tensor run1(Node n, int opset, Value... in) { return (Tensor) KernelHarness.run(n, opset, in)[0]; }

    static Tensor x() { return Tensor.ofFloats(new long[] {2, 2, 3}, X); }

    static Tensor axes(long... a) { return Tensor.ofLongs(new long[] {a.length}, a); }

    static void assertClose(double[] expected, Tensor t) {
        double[] got = t.toDoubleArray();
        assertEquals(expected.length, got.length, "size");
        for (int i = 0; i < got.length; i++) assertEquals(expected[i], got[i], 1e-5 * Math.max(1, Math.abs(expected[i])), "element " + i);
    }

    @Test
    void reduceSumAxesInputAndAttribute() {
        Tensor y = run1(node("ReduceSum", 2, Attribute.of("keepdims", 0L)), 13, x(), axes(1));
        assertArrayEquals(new long[] {2, 3}, y.shape());
        assertClose(new double[] {5, 3, -3, 2.5, 4, 7}, y);
        Tensor old = run1(node("ReduceSum", 1, Attribute.of("axes", new long[] {1}), Attribute.of("keepdims", 0L)), 11, x());
        assertClose(new double[] {5, 3, -3, 2.5, 4, 7}, old);
    }

    @Test
    void negativeAxisKeepDimsAndMultipleAxes() {
        Tensor mean = run1(node("ReduceMean", 2), 18, x(), axes(-1));
        assertArrayEquals(new long[] {2, 2, 1}, mean.shape());
        assertClose(new double[] {2.0 / 3, 1, 6.5 / 3, 7.0 / 3}, mean);
        Tensor min = run1(node("ReduceMin", 2, Attribute.of("keepdims", 0L)), 18, x(), axes(0, 2));
        assertClose(new double[] {-2, -6}, min);
        Tensor max = run1(node("ReduceMax", 1, Attribute.of("keepdims", 0L)), 18, x());
        assertEquals(0, max.rank());
        assertClose(new double[] {8}, max);
    }

    @Test
    void productNormsAndLogReductions() {
        assertClose(new double[] {-6, -120, -3.5, -48}, run1(node("ReduceProd", 2), 18, x(), axes(2)));
        assertClose(new double[] {4.123105525970459, 5.385164737701416, 6.7082037925720215, 2.0615527629852295,
                7.6157732009887695, 8.062257766723633}, run1(node("ReduceL2", 2), 18, x(), axes(1)));
        assertClose(new double[] {3.132845163345337, 5.313273906707764, 7.001837253570557, 8.002492904663086},
                run1(node("ReduceLogSumExp", 2), 18, x(), axes(2)));
        assertClose(new double[] {6, 15, 8.5, 13}, run1(node("ReduceL1", 1, Attribute.of("axes", new long[] {2})), 13, x()));
        assertClose(new double[] {14, 77, 50.25, 77}, run1(node("ReduceSumSquare", 2), 18, x(), axes(2)));
    }

    @Test
    void emptyAxesNoopAndEmptySetIdentity() {
        Tensor same = run1(node("ReduceSum", 2, Attribute.of("noop_with_empty_axes", 1L)), 13, x(), axes());
        assertClose(new double[] {1, -2, 3, 4, 5, -6, 0.5, 7, -1, 2, -3, 8}, same);
        Tensor empty = Tensor.allocate(DType.FLOAT32, 2, 0, 3);
        assertClose(new double[] {0, 0, 0, 0, 0, 0}, run1(node("ReduceSum", 2), 13, empty, axes(1)));
        assertClose(new double[] {1, 1, 1, 1, 1, 1}, run1(node("ReduceProd", 2), 18, empty, axes(1)));
        double lse = run1(node("ReduceLogSumExp", 2), 18, empty, axes(1)).getDouble(0);
        assertEquals(Double.NEGATIVE_INFINITY, lse);
    }

    @Test
    void integerReductionsStayExact() {
        Tensor big = Tensor.ofLongs(new long[] {2}, Long.MAX_VALUE - 1, 1);
        assertEquals(Long.MAX_VALUE, run1(node("ReduceSum", 1), 13, big).getLong(0));
        Tensor i = Tensor.ofInts(new long[] {3}, 7, -9, 4);
        assertEquals(-9, run1(node("ReduceMin", 1), 18, i).getLong(0));
        assertEquals(DType.INT32, run1(node("ReduceMax", 1), 18, i).dtype());
    }

    @Test
    void nanPropagatesThroughMax() {
        Tensor t = Tensor.ofFloats(new long[] {3}, 1, Float.NaN, 2);
        assertTrue(Double.isNaN(run1(node("ReduceMax", 1), 18, t).getDouble(0)));
    }

    @Test
    void badAxisNamesTheRange() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> run1(node("ReduceSum", 2), 13, x(), axes(3)));
        assertTrue(e.getMessage().contains("3"), e.getMessage());
    }

    @Test
    void cumSumExclusiveReverseAndCumProd() {
        Tensor v = Tensor.ofFloats(new long[] {2, 3}, 1, 2, 3, 4, 5, 6);
        Tensor axis1 = Tensor.ofInts(new long[0], 1);
        assertClose(new double[] {1, 3, 6, 4, 9, 15}, run1(node("CumSum", 2), 14, v, axis1));
        assertClose(new double[] {5, 3, 0, 11, 6, 0}, run1(node("CumSum", 2, Attribute.of("exclusive", 1L),
                Attribute.of("reverse", 1L)), 14, v, axis1));
        assertClose(new double[] {1, 2, 3, 5, 7, 9}, run1(node("CumSum", 2), 14, v, Tensor.ofLongs(new long[0], -2)));
        assertClose(new double[] {1, 2, 6, 4, 20, 120}, run1(node("CumProd", 2), 26, v, axis1));
        Tensor ints = Tensor.ofInts(new long[] {3}, 2, 3, 4);
        Tensor p = run1(node("CumProd", 2, Attribute.of("exclusive", 1L)), 26, ints, Tensor.ofInts(new long[0], 0));
        assertArrayEquals(new long[] {1, 2, 6}, p.toLongArray());
    }

    @Test
    void softmaxFamilies() {
        Tensor s = Tensor.ofDoubles(new long[] {2, 3}, 1, 2, 3, -1, 0, 4);
        assertClose(new double[] {0.09003057317038046, 0.24472847105479764, 0.6652409557748218, 0.006573263185309083,
                0.0178679818703045, 0.9755587549443865}, run1(node("Softmax", 1), 13, s));
        assertClose(new double[] {0.8807970779778824, 0.8807970779778824, 0.2689414213699951, 0.11920292202211756,
                0.11920292202211755, 0.7310585786300048}, run1(node("Softmax", 1, Attribute.of("axis", 0L)), 13, s));
        assertClose(new double[] {-2.40760596444438, -1.4076059644443801, -0.40760596444438013, -5.024744890138822,
                -4.024744890138822, -0.024744890138822306}, run1(node("LogSoftmax", 1), 13, s));
        Tensor h = Tensor.ofFloats(new long[] {2, 3}, 3, 1, 3, 0, 5, 2);
        assertClose(new double[] {1, 0, 0, 0, 1, 0}, run1(node("Hardmax", 1), 13, h));
    }

    @Test
    void softmaxBeforeOpset13FlattensFromTheAxis() {
        // axis 1 of [2,2,3] normalizes over the last 6 elements together
        Tensor y = run1(node("Softmax", 1), 11, x());
        double[] v = y.toDoubleArray();
        double sum = 0;
        for (int i = 0; i < 6; i++) sum += v[i];
        assertEquals(1, sum, 1e-6);
        assertEquals(Math.exp(5 - 5) / (Math.exp(1 - 5) + Math.exp(-7) + Math.exp(-2) + Math.exp(-1) + 1 + Math.exp(-11)),
                v[4], 1e-6);
    }
}
