package io.jengine.cpu.ref;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jengine.cpu.simd.FastVsReference;
import io.jengine.ir.Attribute;
import io.jengine.ir.FusedOpSpec;
import io.jengine.ir.Node;
import io.jengine.tensor.DType;
import io.jengine.tensor.Tensor;
import io.jengine.tensor.Value;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@code jengine::QuantizedMatMul} against what it stands for: the QDQ graph of reference ops (DequantizeLinear of A
 * and B, MatMul, Add of the bias, the activation, QuantizeLinear), on generated codes.
 */
class QuantizedMatMulKernelTest {
    private static final int K = 24, N = 10;

    private static Tensor codes(DType t, long[] shape, Random r) {
        Tensor q = Tensor.allocate(t, shape);
        for (long i = 0; i < q.size(); i++) q.setLong(i, t == DType.UINT8 ? r.nextInt(256) : r.nextInt(255) - 127);
        return q;
    }

    private static Tensor floats(long[] shape, Random r, double amp) {
        Tensor t = Tensor.allocate(DType.FLOAT32, shape);
        for (long i = 0; i < t.size(); i++) t.setDouble(i, (r.nextDouble() * 2 - 1) * amp);
        return t;
    }

    static Node quantized(String act, float[] params, boolean bias, boolean quantizedOut) {
        Node.Builder b = Node.builder(FusedOpSpec.QUANTIZED_MATMUL).domain(FusedOpSpec.DOMAIN)
                .inputs("a", "as", "az", "b", "bs", bias ? "bias" : "", quantizedOut ? "ys" : "", quantizedOut ? "yz" : "")
                .outputs("y").attr(Attribute.of(FusedOpSpec.ACTIVATION, act));
        if (params.length > 0) b.attr(Attribute.of(FusedOpSpec.ACTIVATION_PARAMS, params));
        return b.build();
    }

    private static Tensor run(Node n, Value... in) { return (Tensor) KernelHarness.run(n, 1, in)[0]; }

    private static Tensor onnx(Node n, Value... in) { return (Tensor) KernelHarness.run(n, 21, in)[0]; }

    /** The QDQ graph the op stands for, node by node on the reference kernels. */
    private static Tensor composite(String act, float[] params, Tensor a, Tensor as, Tensor az, Tensor b, Tensor bs,
                                    Tensor bias, Tensor ys, Tensor yz) {
        Tensor af = onnx(Node.builder("DequantizeLinear").inputs("x", "s", "z").outputs("y").build(), a, as, az);
        Tensor bf = onnx(Node.builder("DequantizeLinear").inputs("w", "s").outputs("y")
                .attr(Attribute.of("axis", 1L)).build(), b, bs);
        Tensor yf = onnx(Node.builder("MatMul").inputs("a", "b").outputs("y").build(), af, bf);
        if (bias != null) yf = onnx(Node.builder("Add").inputs("y", "b").outputs("z").build(), yf, bias);
        yf = switch (act) {
            case "None" -> yf;
            case "Clip" -> onnx(Node.builder("Clip").inputs("x", "lo", "hi").outputs("y").build(), yf,
                    Tensor.ofFloats(new long[0], params[0]), Tensor.ofFloats(new long[0], params[1]));
            default -> onnx(Node.builder(act).inputs("x").outputs("y").build(), yf);
        };
        if (ys == null) return yf;
        return onnx(Node.builder("QuantizeLinear").inputs("y", "s", "z").outputs("q").build(), yf, ys, yz);
    }

    private static void check(DType src, DType dst, String act, float[] params, boolean perColumn, long[] aShape) {
        Random r = new Random(src.ordinal() * 31 + dst.ordinal() * 7 + act.length() + aShape.length + (perColumn ? 1 : 0));
        Tensor a = codes(src, aShape, r), b = codes(DType.INT8, new long[] {K, N}, r);
        Tensor as = Tensor.ofFloats(new long[0], 0.02f);
        Tensor az = Tensor.fromLongs(src, new long[0], new long[] {src == DType.UINT8 ? 128 : -3});
        Tensor bs;
        if (perColumn) {
            bs = floats(new long[] {N}, r, 0.01);
            for (long i = 0; i < bs.size(); i++) bs.setDouble(i, Math.abs(bs.getDouble(i)) + 1e-3);
        } else {
            bs = Tensor.ofFloats(new long[0], 0.007f);
        }
        Tensor bias = floats(new long[] {N}, r, 0.5);
        boolean q = dst != DType.FLOAT32;
        Tensor ys = q ? Tensor.ofFloats(new long[0], 0.03f) : null;
        Tensor yz = q ? Tensor.fromLongs(dst, new long[0], new long[] {dst == DType.UINT8 ? 7 : -5}) : null;
        Tensor expected = composite(act, params, a, as, az, b, bs, bias, ys, yz);
        Tensor got = q ? run(quantized(act, params, true, true), a, as, az, b, bs, bias, ys, yz)
                : run(quantized(act, params, true, false), a, as, az, b, bs, bias);
        assertEquals(expected.dtype(), got.dtype());
        assertArrayEquals(expected.shape(), got.shape());
        // the composite rounds the dequantized operands' products to float32; the op sums integers exactly
        if (q) {
            long off = FastVsReference.oneStepOff(expected, got);
            assertTrue(off <= Math.max(1, got.size() / 50), off + " of " + got.size() + " outputs one step off");
            return;
        }
        for (long i = 0; i < got.size(); i++) {
            double e = expected.getDouble(i), g = got.getDouble(i);
            assertEquals(e, g, 1e-5 * Math.max(1, Math.abs(e)), "element " + i);
        }
    }

    @Test
    void equalsTheQdqGraphItStandsFor() {
        float[] none = new float[0];
        for (DType src : new DType[] {DType.UINT8, DType.INT8}) {
            for (boolean perColumn : new boolean[] {true, false}) {
                check(src, DType.UINT8, "Relu", none, perColumn, new long[] {7, K});
                check(src, DType.INT8, "None", none, perColumn, new long[] {2, 5, K});
                check(src, DType.FLOAT32, "Clip", new float[] {-0.5f, 0.75f}, perColumn, new long[] {3, 4, K});
                check(src, DType.FLOAT32, "Sigmoid", none, perColumn, new long[] {6, K});
            }
        }
    }

    @Test
    void rejectsMismatchedQuantizationParameters() {
        Random r = new Random(9);
        Tensor a = codes(DType.UINT8, new long[] {3, K}, r), b = codes(DType.INT8, new long[] {K, N}, r);
        Tensor as = Tensor.ofFloats(new long[0], 0.05f);
        Tensor wrongZero = Tensor.fromLongs(DType.INT8, new long[0], new long[] {0});
        Node n = quantized("None", new float[0], false, false);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> run(n, a, as, wrongZero, b, Tensor.ofFloats(new long[0], 1f), null));
        assertTrue(e.getMessage().contains("a_zero_point"), e.getMessage());
        Tensor az = Tensor.fromLongs(DType.UINT8, new long[0], new long[] {0});
        e = assertThrows(IllegalArgumentException.class,
                () -> run(n, a, as, az, b, Tensor.ofFloats(new long[] {4}, 1, 1, 1, 1), null));
        assertTrue(e.getMessage().contains("b_scale has 4 elements, expected 1 or " + N), e.getMessage());
    }
}
