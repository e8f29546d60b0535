package io.jengine.cpu.simd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jengine.cpu.nativelib.NativeLibraries;
import io.jengine.ir.Attribute;
import io.jengine.ir.FusedOpSpec;
import io.jengine.ir.Node;
import io.jengine.tensor.DType;
import io.jengine.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code jengine::QuantizedConv} with integer residual codes, and computed in float by cpu-simd
 * ({@code quantized-conv.float}: the fallback where the integer kernels cannot take 8-bit weights), each forced and
 * against the reference: a quantized output within one step (and few off by one), a float output within 1e-5 of its
 * magnitude with NaN from the residual where the reference has it.
 */
class QuantizedConvTacticsTest {
    private static final String FLOAT_KEY = "cpu-simd:quantized-conv.float";
    private static final String NATIVE_KEY = "cpu-native:dnnl.quantized-conv";
    private static final int L = jdk.incubator.vector.FloatVector.SPECIES_PREFERRED.length();
    private static final int C = 2 * L, M = 3 * L, H = 9, W = 7;

    /**
     * The cases: the tactic, the layout (0: channels-last, else the vector width), the kernel, the largest weight,
     * the output type, the residual type ("none", float32, uint8), the activation.
     */
    @ParameterizedTest(name = "{0} block {1} k{2} |w|<={3} -> {4} residual {5} {6}")
    @CsvSource({
        "float,  L, 3, 127, uint8,   none,    Relu",
        "float,  0, 1, 127, int8,    uint8,   None",
        "float,  L, 3, 100, float32, float32, Relu",
        "float,  0, 3, 127, float32, uint8,   Sigmoid",
        "float,  L, 1, 127, uint8,   uint8,   Relu",
        "native, L, 3, 63,  uint8,   uint8,   Relu",
        "native, 0, 1, 63,  int8,    uint8,   None",
        "native, 0, 3, 63,  uint8,   uint8,   Clip"})
    void matchesTheReference(String tactic, String layout, int k, int maxW, String out, String residual, String act) {
        boolean nativeKernel = tactic.equals("native");
        if (nativeKernel) org.junit.jupiter.api.Assumptions.assumeTrue(NativeLibraries.dnnl().isPresent(), "no oneDNN");
        int block = layout.equals("L") ? L : 0;
        DType yType = DType.valueOf(out.toUpperCase());
        DType zType = residual.equals("none") ? null : DType.valueOf(residual.toUpperCase());
        Random r = new Random(k * 31L + maxW + block + out.length() + residual.length() + act.length());
        int oh = H + 2 * (k / 2) - k + 1, ow = W + 2 * (k / 2) - k + 1;
        Map<String, Tensor> feeds = new LinkedHashMap<>();
        feeds.put("x", codes(DType.UINT8, dims(C, H, W, block), r));
        if (zType == DType.FLOAT32) {
            Tensor z = Tensor.allocate(DType.FLOAT32, dims(M, oh, ow, block));
            for (long i = 0; i < z.size(); i++) z.setDouble(i, r.nextDouble() * 4 - 2);
            z.setDouble(z.size() / 3, Double.NaN);
            feeds.put("z", z);
        } else if (zType != null) {
            feeds.put("z", codes(zType, dims(M, oh, ow, block), r));
        }
        Map<String, Tensor> weights = new LinkedHashMap<>();
        weights.put("xs", Tensor.ofFloats(new long[0], 0.02f));
        weights.put("xz", Tensor.fromLongs(DType.UINT8, new long[0], new long[] {128}));
        Tensor w = Tensor.allocate(DType.INT8, M, C, k, k);
        for (long i = 0; i < w.size(); i++) w.setLong(i, r.nextInt(2 * maxW + 1) - maxW);
        w.setLong(0, maxW);
        weights.put("w", w);
        Tensor ws = Tensor.allocate(DType.FLOAT32, M);
        for (int i = 0; i < M; i++) ws.setFloat(i, 0.002f + 0.0005f * (i % 5));
        weights.put("ws", ws);
        Tensor b = Tensor.allocate(DType.FLOAT32, M);
        for (int i = 0; i < M; i++) b.setFloat(i, (float) (r.nextDouble() - 0.5));
        weights.put("b", b);
        boolean quantized = yType != DType.FLOAT32;
        if (quantized) {
            weights.put("ys", Tensor.ofFloats(new long[0], act.equals("Sigmoid") ? 1 / 250f : 0.08f));
            weights.put("yz", Tensor.fromLongs(yType, new long[0], new long[] {yType == DType.UINT8 ? 3 : -2}));
        }
        if (zType != null && zType != DType.FLOAT32) {
            weights.put("zs", Tensor.ofFloats(new long[0], 0.03f));
            weights.put("zz", Tensor.fromLongs(zType, new long[0], new long[] {128}));
        }
        float[] params = act.equals("Clip") ? new float[] {0f, 6f} : new float[0];
        Node n = Node.builder(FusedOpSpec.QUANTIZED_CONV).domain(FusedOpSpec.DOMAIN).name("qc")
                .inputs("x", "xs", "xz", "w", "ws", "b", zType == null ? "" : "z", quantized ? "ys" : "",
                        quantized ? "yz" : "", zType != null && zType != DType.FLOAT32 ? "zs" : "",
                        zType != null && zType != DType.FLOAT32 ? "zz" : "")
                .outputs("y").attr(Attribute.of("pads", new long[] {k / 2, k / 2, k / 2, k / 2}))
                .attr(Attribute.of(FusedOpSpec.ACTIVATION, act)).attr(Attribute.of(FusedOpSpec.ACTIVATION_PARAMS, params))
                .attr(Attribute.of(FusedOpSpec.BLOCK, (long) block)).build();
        var g = FastVsReference.graph(n, feeds, weights);
        Tensor want = FastVsReference.run(g, feeds, false, null);
        Tensor got = FastVsReference.run(g, feeds, true, nativeKernel ? NATIVE_KEY : FLOAT_KEY);
        assertEquals(yType, got.dtype());
        assertArrayEquals(want.shape(), got.shape());
        if (quantized) {
            long off = FastVsReference.oneStepOff(want, got);
            assertTrue(off <= want.size() / 50, off + " of " + want.size() + " one step off");
            return;
        }
        double scale = 0;
        for (long i = 0; i < want.size(); i++) if (Double.isFinite(want.getDouble(i))) scale = Math.max(scale, Math.abs(want.getDouble(i)));
        long nan = 0;
        for (long i = 0; i < want.size(); i++) {
            double a = want.getDouble(i), c = got.getDouble(i);
            if (Double.isNaN(a)) nan++;
            boolean ok = Double.isNaN(a) ? Double.isNaN(c) : Math.abs(a - c) <= 1e-5 * scale;
            assertTrue(ok, "element " + i + ": " + c + ", reference " + a);
        }
        if (zType == DType.FLOAT32) assertTrue(nan > 0, "the residual's NaN reaches the output");
    }

    private static long[] dims(int c, int h, int w, int block) {
        return block == 0 ? new long[] {1, 1, h, w, c} : new long[] {1, c / block, h, w, block};
    }

    private static Tensor codes(DType t, long[] shape, Random r) {
        Tensor x = Tensor.allocate(t, shape);
        for (long i = 0; i < x.size(); i++) x.setLong(i, t == DType.UINT8 ? r.nextInt(256) : r.nextInt(256) - 128);
        return x;
    }
}
