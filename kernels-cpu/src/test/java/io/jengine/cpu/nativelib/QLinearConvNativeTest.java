package io.jengine.cpu.nativelib;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jengine.cpu.simd.FastVsReference;
import io.jengine.ir.Attribute;
import io.jengine.ir.Graph;
import io.jengine.ir.Node;
import io.jengine.tensor.DType;
import io.jengine.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * ONNX QLinearConv on oneDNN's integer convolution against the reference kernel, which computes the int32
 * accumulator exactly and requantizes in double. oneDNN requantizes in float32, so an output may land one step off
 * where the exact value sits within float rounding of a rounding boundary: the bound is one quantization step of the
 * output, and nearly every element must be exact.
 */
class QLinearConvNativeTest {
    /**
     * Each case with 7-bit weights (|w| <= 63) and with full 8-bit ones: on a CPU without VNNI the tactic takes only
     * u8 sources with 7-bit weights ({@link Int8Dot}), and every other case must fall back to the reference.
     */
    @ParameterizedTest(name = "x {0} zp {1}, y {2} zp {3}, c{4} m{5} k{6} s{7} g{8} per-channel {9} bias {10} |w|<={11}")
    @CsvSource({"uint8, 128, uint8, 128, 16, 24, 3, 1, 1, true, true, 63", "uint8, 3, int8, -7, 8, 16, 1, 1, 1, false, true, 63",
        "int8, 0, uint8, 131, 16, 16, 3, 2, 1, true, false, 63", "int8, -4, int8, 2, 16, 32, 3, 1, 2, true, true, 63",
        "uint8, 0, uint8, 60, 32, 32, 3, 1, 32, true, true, 63", "uint8, 17, uint8, 100, 3, 16, 3, 2, 1, true, true, 63",
        "uint8, 128, uint8, 128, 16, 24, 3, 1, 1, true, true, 127", "uint8, 3, int8, -7, 8, 16, 1, 1, 1, false, true, 127"})
    void matchesTheReferenceWithinOneStep(String xType, int xZero, String yType, int yZero, int c, int m, int k,
                                          int stride, int group, boolean perChannel, boolean bias, int maxWeight) {
        Assumptions.assumeTrue(NativeLibraries.dnnl().isPresent() || "true".equals(System.getenv("CI")),
                NativeLibraries.dnnlStatus());
        Random r = new Random(c * 31L + m * 7L + k + stride + group + xZero);
        DType xt = DType.valueOf(xType.toUpperCase()), yt = DType.valueOf(yType.toUpperCase());
        int h = 11, w = 9;
        Tensor x = Tensor.allocate(xt, 2, c, h, w);
        for (long i = 0; i < x.size(); i++) x.setLong(i, xt == DType.UINT8 ? r.nextInt(256) : r.nextInt(256) - 128);
        Tensor wq = Tensor.allocate(DType.INT8, m, c / group, k, k);
        for (long i = 0; i < wq.size(); i++) wq.setLong(i, r.nextInt(2 * maxWeight + 1) - maxWeight);
        Tensor ws = Tensor.allocate(DType.FLOAT32, perChannel ? m : 1);
        for (long i = 0; i < ws.size(); i++) ws.setFloat(i, 0.002f + r.nextFloat() * 0.004f);
        Map<String, Tensor> weights = new LinkedHashMap<>();
        weights.put("x_scale", Tensor.ofFloats(new long[0], 0.02f));
        weights.put("x_zero", scalar(xt, xZero));
        weights.put("w", wq);
        weights.put("w_scale", ws);
        weights.put("w_zero", Tensor.allocate(DType.INT8, perChannel ? m : 1));
        weights.put("y_scale", Tensor.ofFloats(new long[0], 0.05f + 0.01f * (c * k * k / group) / 16f));
        weights.put("y_zero", scalar(yt, yZero));
        if (bias) {
            Tensor b = Tensor.allocate(DType.INT32, m);
            for (long i = 0; i < m; i++) b.setLong(i, r.nextInt(20001) - 10000);
            weights.put("B", b);
        }
        Node node = Node.builder("QLinearConv").name("q")
                .inputs(bias ? new String[] {"x", "x_scale", "x_zero", "w", "w_scale", "w_zero", "y_scale", "y_zero", "B"}
                        : new String[] {"x", "x_scale", "x_zero", "w", "w_scale", "w_zero", "y_scale", "y_zero"})
                .outputs("y")
                .attr(Attribute.of("strides", new long[] {stride, stride}))
                .attr(Attribute.of("pads", new long[] {k / 2, k / 2, k / 2, k / 2}))
                .attr(Attribute.of("group", (long) group)).build();
        Map<String, Tensor> feeds = Map.of("x", x);
        Graph g = FastVsReference.graph(node, feeds, weights);
        Tensor want = FastVsReference.run(g, feeds, false, null);
        boolean native_ = Int8Dot.exact(xt == DType.UINT8, maxWeight);
        Tensor got = FastVsReference.run(g, feeds, true, native_ ? "cpu-native:dnnl.qlinear-conv" : null);
        if (!native_) {
            assertArrayEquals(want.toLongArray(), got.toLongArray(), "declined: the reference ran it");
            return;
        }
        assertEquals(yt, got.dtype());
        assertArrayEquals(want.shape(), got.shape());
        long off = 0, saturated = 0;
        for (long i = 0; i < want.size(); i++) {
            long a = want.getLong(i), b = got.getLong(i);
            assertTrue(Math.abs(a - b) <= 1, "element " + i + ": oneDNN " + b + ", reference " + a);
            if (a != b) off++;
            if (a == (yt == DType.UINT8 ? 255 : 127) || a == (yt == DType.UINT8 ? 0 : -128)) saturated++;
        }
        assertTrue(off <= want.size() / 100, off + " of " + want.size() + " elements one step off");
        assertTrue(saturated < want.size() / 4, "the test data mostly saturates: " + saturated + " of " + want.size());
    }

    /** Byte-sized operands are checked as such before any native call; bad quantization parameters before any too. */
    @org.junit.jupiter.api.Test
    void int8OperandsAreCheckedInBytes() {
        Assumptions.assumeTrue(NativeLibraries.dnnl().isPresent() || "true".equals(System.getenv("CI")),
                NativeLibraries.dnnlStatus());
        ConvParams p = ConvParams.square(1, 8, 6, 8, 3, 1, 1, 1, 1);
        byte[] w = new byte[(int) p.weightElements()];
        java.util.Arrays.fill(w, (byte) 3);
        DnnlQuantization q = new DnnlQuantization(Dnnl.dnnl_u8, Dnnl.dnnl_u8, w, 0.1f, new float[] {0.01f}, 1, 0.2f, 0, 0);
        try (DnnlConv2d conv = DnnlConv2d.prepareQuantized(p, q, null, 1);
             java.lang.foreign.Arena arena = java.lang.foreign.Arena.ofConfined()) {
            java.lang.foreign.MemorySegment x = arena.allocate(8 * 36), y = arena.allocate(8 * 36);
            conv.run(x, y, null); // exactly the bytes: fine
            IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                    () -> conv.run(x.asSlice(0, 8 * 36 - 1), y, null));
            assertTrue(e.getMessage().contains("x needs 288 bytes"), e.getMessage());
        }
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> new DnnlQuantization(Dnnl.dnnl_u8, Dnnl.dnnl_u8, w, 0f, new float[] {0.01f}, 1, 0.2f, 0, 0));
        assertTrue(e.getMessage().contains("source scale must be positive"), e.getMessage());
    }

    private static Tensor scalar(DType t, int v) {
        Tensor s = Tensor.allocate(t);
        s.setLong(0, v);
        return s;
    }
}
