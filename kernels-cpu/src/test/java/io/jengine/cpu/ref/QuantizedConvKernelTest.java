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
 * {@code jengine::QuantizedConv} against what it stands for: the QDQ graph of reference ops (DequantizeLinear of X
 * and W, FusedConv with the bias, residual and activation, QuantizeLinear), on generated values.
 */
class QuantizedConvKernelTest {
    private static final long[] X = {1, 4, 6, 5};
    private static final long[] W = {6, 4, 3, 3};

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

    private static Node quantized(String act, boolean residual, boolean quantizedOut, Long block) {
        Node.Builder b = Node.builder(FusedOpSpec.QUANTIZED_CONV).domain(FusedOpSpec.DOMAIN)
                .inputs("x", "xs", "xz", "w", "ws", "b", residual ? "z" : "", quantizedOut ? "ys" : "",
                        quantizedOut ? "yz" : "")
                .outputs("y").attr(Attribute.of("pads", new long[] {1, 1, 1, 1}))
                .attr(Attribute.of(FusedOpSpec.ACTIVATION, act));
        if (block != null) b.attr(Attribute.of(FusedOpSpec.BLOCK, block));
        return b.build();
    }

    private static Tensor run(Node n, Value... in) { return (Tensor) KernelHarness.run(n, 1, in)[0]; }

    private static Tensor onnx(Node n, Value... in) { return (Tensor) KernelHarness.run(n, 21, in)[0]; }

    /** The QDQ graph the op stands for, node by node on the reference kernels. */
    private static Tensor composite(String act, Tensor x, Tensor xs, Tensor xz, Tensor w, Tensor ws, Tensor b, Tensor z,
                                    Tensor ys, Tensor yz) {
        Tensor xf = onnx(Node.builder("DequantizeLinear").inputs("x", "s", "z").outputs("y").build(), x, xs, xz);
        Tensor wf = onnx(Node.builder("DequantizeLinear").inputs("w", "s").outputs("y")
                .attr(Attribute.of("axis", 0L)).build(), w, ws);
        Node conv = Node.builder(FusedOpSpec.FUSED_CONV).domain(FusedOpSpec.DOMAIN)
                .inputs("x", "w", "b", z == null ? "" : "z").outputs("y")
                .attr(Attribute.of("pads", new long[] {1, 1, 1, 1})).attr(Attribute.of(FusedOpSpec.ACTIVATION, act)).build();
        Tensor yf = z == null ? run(conv, xf, wf, b) : run(conv, xf, wf, b, z);
        if (ys == null) return yf;
        return onnx(Node.builder("QuantizeLinear").inputs("y", "s", "z").outputs("q").build(), yf, ys, yz);
    }

    private static void check(DType src, DType dst, String act, boolean residual) {
        Random r = new Random(src.ordinal() * 31 + dst.ordinal() * 7 + act.length() + (residual ? 1 : 0));
        Tensor x = codes(src, X, r), w = codes(DType.INT8, W, r);
        Tensor xs = Tensor.ofFloats(new long[0], 0.02f);
        Tensor xz = Tensor.fromLongs(src, new long[0], new long[] {src == DType.UINT8 ? 128 : -3});
        Tensor ws = floats(new long[] {6}, r, 0.01);
        for (long i = 0; i < ws.size(); i++) ws.setDouble(i, Math.abs(ws.getDouble(i)) + 1e-3);
        Tensor b = floats(new long[] {6}, r, 0.5);
        Tensor z = residual ? floats(new long[] {1, 6, 6, 5}, r, 1) : null;
        boolean q = dst != DType.FLOAT32;
        Tensor ys = q ? Tensor.ofFloats(new long[0], 0.03f) : null;
        Tensor yz = q ? Tensor.fromLongs(dst, new long[0], new long[] {dst == DType.UINT8 ? 7 : -5}) : null;
        Tensor expected = composite(act, x, xs, xz, w, ws, b, z, ys, yz);
        Tensor got = q ? run(quantized(act, residual, true, null), x, xs, xz, w, ws, b, z, ys, yz)
                : run(quantized(act, residual, false, null), x, xs, xz, w, ws, b, z);
        assertEquals(expected.dtype(), got.dtype());
        assertArrayEquals(expected.shape(), got.shape());
        // the composite rounds the dequantized operands' products to float32; the op sums integers exactly
        if (q) {
            long off = FastVsReference.oneStepOff(expected, got);
            assertTrue(off <= got.size() / 50, off + " of " + got.size() + " outputs one step off");
            return;
        }
        for (long i = 0; i < got.size(); i++) {
            double e = expected.getDouble(i), g = got.getDouble(i);
            assertEquals(e, g, 1e-5 * Math.max(1, Math.abs(e)), "element " + i);
        }
    }

    @Test
    void equalsTheQdqGraphItStandsFor() {
        for (DType src : new DType[] {DType.UINT8, DType.INT8}) {
            check(src, DType.UINT8, "Relu", false);
            check(src, DType.INT8, "None", false);
            check(src, DType.FLOAT32, "Relu", true);
            check(src, DType.FLOAT32, "Sigmoid", false);
        }
    }

    @Test
    void blockedLayoutComputesThePlainResult() {
        Random r = new Random(5);
        Tensor x = codes(DType.UINT8, X, r), w = codes(DType.INT8, W, r);
        Tensor xs = Tensor.ofFloats(new long[0], 0.05f), xz = Tensor.fromLongs(DType.UINT8, new long[0], new long[] {0});
        Tensor ws = Tensor.ofFloats(new long[0], 0.004f), b = floats(new long[] {6}, r, 0.5);
        Tensor z = floats(new long[] {1, 6, 6, 5}, r, 1);
        Tensor plain = run(quantized("Relu", true, false, null), x, xs, xz, w, ws, b, z);
        for (long block : new long[] {2, 0}) {
            Tensor got = run(quantized("Relu", true, false, block), ChannelBlocking.block(x, (int) block), xs, xz, w, ws, b,
                    ChannelBlocking.block(z, (int) block));
            Tensor back = ChannelBlocking.unblock(got, (int) block);
            assertArrayEquals(plain.toFloatArray(), back.toFloatArray(), "block " + block);
        }
    }

    @Test
    void rejectsMismatchedQuantizationParameters() {
        Random r = new Random(9);
        Tensor x = codes(DType.UINT8, X, r), w = codes(DType.INT8, W, r);
        Tensor xs = Tensor.ofFloats(new long[0], 0.05f);
        Tensor wrongZero = Tensor.fromLongs(DType.INT8, new long[0], new long[] {0});
        Tensor ws = Tensor.ofFloats(new long[] {4}, 1, 1, 1, 1);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> run(quantized("None", false, false, null), x, xs, wrongZero, w, Tensor.ofFloats(new long[0], 1f), null));
        assertTrue(e.getMessage().contains("x_zero_point"), e.getMessage());
        Tensor xz = Tensor.fromLongs(DType.UINT8, new long[0], new long[] {0});
        e = assertThrows(IllegalArgumentException.class, () -> run(quantized("None", false, false, null), x, xs, xz, w, ws, null));
        assertTrue(e.getMessage().contains("w_scale has 4 elements, expected 1 or 6"), e.getMessage());
    }
}
