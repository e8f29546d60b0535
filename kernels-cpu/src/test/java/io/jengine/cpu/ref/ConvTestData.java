package io.jengine.cpu.ref;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.jengine.ir.Attribute;
import io.jengine.ir.Node;
import io.jengine.tensor.Value;
import io.jengine.tensor.DType;
import io.jengine.tensor.Tensor;

/** Deterministic, non-trivial inputs for the conv and pool tests (the numpy expectations use the same formula). */
final class ConvTestData {
    private ConvTestData() {}

    /** Element i is {@code ((i * mul) % mod - off) / div}. */
    static Tensor data(DType t, long[] shape, int mul, int mod, int off, double div) {
        int n = 1;
        for (long d : shape) n *= (int) d;
        double[] v = new double[n];
        for (int i = 0; i < n; i++) v[i] = ((i * mul) % mod - off) / div;
        return Tensor.fromDoubles(t, shape, v);
    }

    static Node node(String op, String[] inputs, String[] outputs, Attribute... attrs) {
        Node.Builder b = Node.builder(op).inputs(inputs).outputs(outputs);
        for (Attribute a : attrs) b.attr(a);
        return b.build();
    }

    static Tensor single(Node n, int opset, Value... in) { return (Tensor) KernelHarness.run(n, opset, in)[0]; }

    static void assertTensor(long[] shape, double[] expected, Tensor actual, double tol) {
        assertArrayEquals(shape, actual.shape(), "shape");
        double[] got = actual.toDoubleArray();
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], got[i], tol * Math.max(1, Math.abs(expected[i])), "element " + i);
        }
    }

    static long[] s(long... v) { return v; }
}
