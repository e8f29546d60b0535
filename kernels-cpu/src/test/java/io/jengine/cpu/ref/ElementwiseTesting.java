package io.jengine.cpu.ref;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.jengine.ir.Attribute;
import io.jengine.ir.Node;
import io.jengine.tensor.Value;
import io.jengine.tensor.DType;
import io.jengine.tensor.Tensor;

/** Node builders and assertions shared by the elementwise kernel tests. */
final class ElementwiseTesting {
    private ElementwiseTesting() {}

    /** A node of {@code op} with {@code inputs} inputs named i0, i1, ... and one output. */
    static Node node(String op, int inputs, Attribute... attrs) {
        String[] names = new String[inputs];
        for (int i = 0; i < inputs; i++) names[i] = "i" + i;
        Node.Builder b = Node.builder(op).inputs(names).outputs("y");
        for (Attribute a : attrs) b.attr(a);
        return b.build();
    }

    /** Runs a single-output node and returns its output. */
    static Tensor run(Node node, int opset, Tensor... inputs) {
        Value[] out = KernelHarness.run(node, opset, (Value[]) inputs);
        return (Tensor) out[0];
    }

    static Tensor d(long[] shape, double... v) { return Tensor.ofDoubles(shape, v); }

    static Tensor d(double... v) { return Tensor.ofDoubles(new long[] {v.length}, v); }

    static Tensor of(DType t, long[] shape, long... v) { return Tensor.fromLongs(t, shape, v); }

    static Tensor of(DType t, long... v) { return Tensor.fromLongs(t, new long[] {v.length}, v); }

    /** Same dtype and shape, and every element within {@code tol} relative (absolute near zero); NaN and infinities exactly. */
    static void assertDoubles(Tensor actual, DType dtype, long[] shape, double tol, double... expected) {
        assertEquals(dtype, actual.dtype());
        assertArrayEquals(shape, actual.shape());
        double[] got = actual.toDoubleArray();
        assertEquals(expected.length, got.length);
        for (int i = 0; i < got.length; i++) {
            if (Double.isNaN(expected[i]) || Double.isInfinite(expected[i])) {
                assertEquals(expected[i], got[i], "element " + i);
            } else {
                assertEquals(expected[i], got[i], tol * Math.max(1, Math.abs(expected[i])), "element " + i);
            }
        }
    }

    /** Same dtype and shape, and exactly these elements read as longs (uint64 as its bit pattern). */
    static void assertLongs(Tensor actual, DType dtype, long[] shape, long... expected) {
        assertEquals(dtype, actual.dtype());
        assertArrayEquals(shape, actual.shape());
        assertArrayEquals(expected, actual.toLongArray());
    }

    static long[] shape(long... dims) { return dims; }
}
