package io.jengine.cpu.ref;

import static io.jengine.cpu.ref.ReductionKernelsTest.assertClose;
import static io.jengine.cpu.ref.ReductionKernelsTest.node;
import static io.jengine.cpu.ref.ReductionKernelsTest.run1;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.jengine.ir.Attribute;
import io.jengine.ir.Node;
import io.jengine.tensor.Value;
import io.jengine.tensor.DType;
import io.jengine.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** Quantize/Dequantize (per tensor, per axis, blocked), DynamicQuantizeLinear and QLinearMatMul. */
class QuantizationKernelsTest {
    static Tensor ints(DType t, long[] shape, long... v) { return Tensor.fromLongs(t, shape, v); }

    static Tensor floats(long[] shape, float... v) { return Tensor.ofFloats(shape, v); }

    @Test
    void quantizeRoundsHalfToEvenAndSaturates() {
        Tensor x = floats(new long[] {8}, 0, 1.5f, -2, 2.5f, 300, -300, 0.25f, 0.75f);
        Tensor y = run1(node("QuantizeLinear", 3), 13, x, floats(new long[0], 0.5f),
                ints(DType.UINT8, new long[0], 10));
        assertEquals(DType.UINT8, y.dtype());
        assertArrayEquals(new long[] {10, 13, 6, 15, 255, 0, 10, 12}, y.toLongArray());
    }

    @Test
    void quantizePerAxisToInt8() {
        Tensor x = floats(new long[] {2, 3}, 1.5f, -2.5f, 200, 3, -5, -300);
        Tensor y = run1(node("QuantizeLinear", 3, Attribute.of("axis", 0L)), 13, x, floats(new long[] {2}, 1, 2),
                ints(DType.INT8, new long[] {2}, 0, -1));
        assertArrayEquals(new long[] {2, -2, 127, 1, -3, -128}, y.toLongArray());
    }

    @Test
    void quantizeBlocked() {
        Tensor x = floats(new long[] {2, 4}, 1, 2, 3, 4, 1, 2, 3, 4);
        Tensor y = run1(node("QuantizeLinear", 2, Attribute.of("axis", 1L), Attribute.of("block_size", 2L)), 21, x,
                floats(new long[] {2, 2}, 1, 2, 0.5f, 4));
        assertArrayEquals(new long[] {1, 2, 2, 2, 2, 4, 1, 1}, y.toLongArray());
    }

    @Test
    void dequantizeInt32AndPerAxis() {
        Tensor y = run1(node("DequantizeLinear", 2), 13, ints(DType.INT32, new long[] {3}, -5, 0, 7),
                floats(new long[0], 0.25f));
        assertEquals(DType.FLOAT32, y.dtype());
        assertClose(new double[] {-1.25, 0, 1.75}, y);
        Tensor p = run1(node("DequantizeLinear", 3), 13, ints(DType.UINT8, new long[] {2, 2}, 5, 6, 0, 3),
                floats(new long[] {2}, 0.5f, 2), ints(DType.UINT8, new long[] {2}, 1, 3));
        assertClose(new double[] {2, 6, -0.5, 0}, p);
    }

    @Test
    void dynamicQuantizeMatchesTheSpecExample() {
        Node n = Node.builder("DynamicQuantizeLinear").inputs("x").outputs("y", "s", "z").build();
        Value[] out = KernelHarness.run(n, 11, floats(new long[] {6}, 0, 2, -3, -2.5f, 1.34f, 0.5f));
        assertArrayEquals(new long[] {153, 255, 0, 26, 221, 179}, ((Tensor) out[0]).toLongArray());
        assertEquals(5f / 255f, ((Tensor) out[1]).getFloat(0));
        assertEquals(153, ((Tensor) out[2]).getLong(0));
    }

    @Test
    void qlinearMatMulRequantizes() {
        Tensor a = ints(DType.UINT8, new long[] {2, 2}, 2, 4, 6, 8);
        Tensor b = ints(DType.UINT8, new long[] {2, 2}, 3, 5, 7, 1);
        Tensor y = run1(node("QLinearMatMul", 8), 10, a, floats(new long[0], 0.5f), ints(DType.UINT8, new long[0], 2),
                b, floats(new long[0], 0.25f), ints(DType.UINT8, new long[0], 1), floats(new long[0], 0.25f),
                ints(DType.UINT8, new long[0], 5));
        assertArrayEquals(new long[] {11, 5, 27, 13}, y.toLongArray());
    }

    @Test
    void perAxisScaleOfWrongLengthIsRejected() {
        Tensor x = floats(new long[] {2, 3}, 1, 2, 3, 4, 5, 6);
        assertThrows(IllegalArgumentException.class, () -> run1(node("QuantizeLinear", 2, Attribute.of("axis", 1L)),
                13, x, floats(new long[] {2}, 1, 2)));
    }
}
