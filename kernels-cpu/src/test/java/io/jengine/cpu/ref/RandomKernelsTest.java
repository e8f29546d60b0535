package io.jengine.cpu.ref;

import static io.jengine.cpu.ref.ImageKernelsTest.assertValues;
import static io.jengine.cpu.ref.ImageKernelsTest.f;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jengine.ir.Attribute;
import io.jengine.ir.Node;
import io.jengine.tensor.DType;
import io.jengine.tensor.Tensor;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * The random ops: shapes, types, seeding, and the moments of their distributions on many draws (the streams are
 * Java's, so values cannot be compared with numpy's).
 */
class RandomKernelsTest {

    private static Node op(String type, int inputs, Attribute... attrs) {
        String[] in = new String[inputs];
        for (int i = 0; i < inputs; i++) in[i] = "i" + i;
        Node.Builder b = Node.builder(type).inputs(in).outputs("o");
        for (Attribute a : attrs) b.attr(a);
        return b.build();
    }

    private static Tensor run(Node n, int opset, Tensor... in) { return (Tensor) KernelHarness.run(n, opset, in)[0]; }

    private static double mean(double[] v) { return Arrays.stream(v).average().orElseThrow(); }

    private static double std(double[] v) {
        double m = mean(v);
        return Math.sqrt(Arrays.stream(v).map(x -> (x - m) * (x - m)).average().orElseThrow());
    }

    @Test
    void uniformHasItsShapeTypeRangeAndMomentsAndRepeatsUnderASeed() {
        Node n = op("RandomUniform", 0, Attribute.of("shape", new long[] {100, 200}), Attribute.of("low", -2f),
                Attribute.of("high", 4f), Attribute.of("dtype", 11L), Attribute.of("seed", 3f));
        Tensor a = run(n, 22);
        assertEquals(DType.FLOAT64, a.dtype());
        assertArrayEquals(new long[] {100, 200}, a.shape());
        double[] v = a.toDoubleArray();
        assertTrue(Arrays.stream(v).allMatch(x -> x >= -2 && x < 4));
        assertEquals(1.0, mean(v), 0.05);
        assertEquals(6 / Math.sqrt(12), std(v), 0.05);
        assertArrayEquals(v, run(n, 22).toDoubleArray());
        Node unseeded = op("RandomUniform", 0, Attribute.of("shape", new long[] {50}));
        assertFalse(Arrays.equals(run(unseeded, 22).toDoubleArray(), run(unseeded, 22).toDoubleArray()));
    }

    @Test
    void normalHasItsMeanAndScale() {
        Node n = op("RandomNormal", 0, Attribute.of("shape", new long[] {20000}), Attribute.of("mean", 5f),
                Attribute.of("scale", 0.5f), Attribute.of("seed", 1f));
        Tensor a = run(n, 1);
        assertEquals(DType.FLOAT32, a.dtype());
        assertEquals(5.0, mean(a.toDoubleArray()), 0.02);
        assertEquals(0.5, std(a.toDoubleArray()), 0.02);
    }

    @Test
    void likeOpsTakeShapeAndTypeFromTheirInput() {
        Tensor like = Tensor.allocate(DType.FLOAT16, 40, 100);
        Tensor u = run(op("RandomUniformLike", 1, Attribute.of("low", 10f), Attribute.of("high", 11f)), 22, like);
        assertEquals(DType.FLOAT16, u.dtype());
        assertArrayEquals(new long[] {40, 100}, u.shape());
        // float16 steps by 1/128 near 10, so without redraws about 1 draw in 256 would round up to 11.
        assertTrue(Arrays.stream(u.toDoubleArray()).allMatch(x -> x >= 10 && x < 11));
        Tensor n = run(op("RandomNormalLike", 1, Attribute.of("dtype", 11L)), 22, Tensor.allocate(DType.INT32, 2));
        assertEquals(DType.FLOAT64, n.dtype());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> run(op("RandomNormalLike", 1), 22, Tensor.allocate(DType.INT32, 2)));
        assertTrue(e.getMessage().contains("needs a floating-point input type"), e.getMessage());
    }

    @Test
    void bernoulliIsCertainAtZeroAndOneAndAveragesP() {
        assertValues(new double[] {0, 1, 1, 0}, run(op("Bernoulli", 1), 15, f(new long[] {2, 2}, 0, 1, 1, 0)), 2, 2);
        Tensor p = Tensor.allocate(DType.FLOAT64, 10000);
        for (long i = 0; i < p.size(); i++) p.setDouble(i, 0.3);
        Tensor y = run(op("Bernoulli", 1, Attribute.of("dtype", 6L), Attribute.of("seed", 2f)), 15, p);
        assertEquals(DType.INT32, y.dtype());
        assertEquals(0.3, mean(y.toDoubleArray()), 0.02);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> run(op("Bernoulli", 1), 15, f(new long[] {1}, 1.5)));
        assertTrue(e.getMessage().contains("probabilities in [0, 1], got 1.5"), e.getMessage());
    }

    @Test
    void multinomialDrawsClassesInProportionToExpLogits() {
        // Row 0: log-probabilities of 0.2 and 0.8; row 1: class 1 impossible, class 2 certain.
        Tensor logits = f(new long[] {2, 3}, Math.log(0.2), Math.log(0.8), Double.NEGATIVE_INFINITY,
                -1000, Double.NEGATIVE_INFINITY, 5);
        Tensor y = run(op("Multinomial", 1, Attribute.of("sample_size", 4000L), Attribute.of("dtype", 7L),
                Attribute.of("seed", 9f)), 7, logits);
        assertEquals(DType.INT64, y.dtype());
        assertArrayEquals(new long[] {2, 4000}, y.shape());
        long[] v = y.toLongArray();
        assertEquals(0.8, Arrays.stream(v, 0, 4000).average().orElseThrow(), 0.03);
        assertTrue(Arrays.stream(v, 4000, 8000).allMatch(c -> c == 2));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> run(op("Multinomial", 1), 7, f(new long[] {3}, 1, 2, 3)));
        assertTrue(e.getMessage().contains("[batch_size, class_size]"), e.getMessage());
    }

    @Test
    void randomUniformNeedsAShape() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> run(op("RandomUniform", 0), 1));
        assertTrue(e.getMessage().contains("attribute shape is required"), e.getMessage());
    }
}
