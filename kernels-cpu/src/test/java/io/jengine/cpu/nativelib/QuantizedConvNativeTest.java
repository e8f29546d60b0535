package io.jengine.cpu.nativelib;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jengine.cpu.simd.FastVsReference;
import io.jengine.ir.Attribute;
import io.jengine.ir.FusedOpSpec;
import io.jengine.ir.Graph;
import io.jengine.ir.Node;
import io.jengine.spi.IntegerConvolution;
import io.jengine.spi.NodeContext;
import io.jengine.spi.Tactic;
import io.jengine.tensor.DType;
import io.jengine.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code jengine::QuantizedConv} on oneDNN's integer convolution ({@code dnnl.quantized-conv}, forced) against the
 * reference kernel, which sums the integer products exactly and scales in double. The data are u8 sources and 7-bit
 * weights, which every x86 CPU oneDNN runs on computes exactly ({@link Int8Dot}). A quantized output may land one step
 * off where the exact value sits within float rounding of a rounding boundary (oneDNN scales and requantizes in
 * float32); a float output must be within 1e-5 of the output's magnitude, NaN from the residual where the reference
 * has it.
 */
class QuantizedConvNativeTest {
    private static final String KEY = "cpu-native:dnnl.quantized-conv";
    private static final int H = 13, W = 10, BATCH = 2;

    /** A case: geometry, layout ({@code block} -1: none), source zero point, scales, output and activation. */
    private record Case(int c, int m, int k, int stride, int group, int block, int xZero, boolean perChannel,
                        String yType, int yZero, String act, float[] params, boolean residual) {
        boolean quantized() { return !yType.equals("float32"); }
    }

    @ParameterizedTest(name = "c{0} m{1} k{2} s{3} g{4} block {5} x_zp {6} per-channel {7} -> {8} zp {9} {10}")
    @CsvSource({
        "16, 24, 3, 1, 1,  -1, 128, true,  uint8, 128, Relu",
        "16, 16, 1, 1, 1,   8,   0, false, int8,   -3, None",
        "16, 32, 3, 2, 1,   8, 128, true,  uint8, 120, Clip",
        "24, 16, 3, 1, 1,   0, 128, true,  int8,    0, Relu",
        "24, 32, 1, 2, 1,   0,   0, true,  uint8, 135, None",
        "3,  16, 3, 2, 1,   8,  17, true,  uint8,   0, Relu",
        "3,  16, 7, 2, 1,   0, 128, false, int8,    4, Clip",
        "32, 32, 3, 1, 32,  8, 128, true,  uint8, 128, Clip",
        "24, 24, 3, 2, 24,  0,   0, true,  int8,   -5, None",
        "16, 16, 3, 1, 16, -1, 128, false, int8,    0, Relu",
        "32, 32, 1, 1, 1,  16, 128, true,  uint8, 128, LeakyRelu",
        "16, 16, 3, 1, 1,   8, 128, true,  int8,    0, HardSigmoid",
        "16, 16, 3, 1, 1,   8, 128, true,  uint8,   0, Sigmoid",
        "16, 16, 3, 1, 4,   0, 100, true,  int8,    0, SiLU"})
    void quantizedOutputWithinOneStep(int c, int m, int k, int stride, int group, int block, int xZero,
                                      boolean perChannel, String yType, int yZero, String act) {
        NativeAssumptions.assumeDnnl();
        Case t = new Case(c, m, k, stride, group, block, xZero, perChannel, yType, yZero, act, params(act), false);
        Tensor want = run(t, false), got = run(t, true);
        DType yt = DType.valueOf(yType.toUpperCase());
        assertEquals(yt, got.dtype());
        assertArrayEquals(want.shape(), got.shape());
        long off = 0, saturated = 0;
        long lo = yt == DType.UINT8 ? 0 : -128, hi = yt == DType.UINT8 ? 255 : 127;
        for (long i = 0; i < want.size(); i++) {
            long a = want.getLong(i), b = got.getLong(i);
            assertTrue(Math.abs(a - b) <= 1, "element " + i + ": oneDNN " + b + ", reference " + a);
            if (a != b) off++;
            if (a == hi || a == lo && lo != yZero) saturated++; // Relu's zeros at a zero point of 0 are no saturation
        }
        assertTrue(off <= want.size() / 50, off + " of " + want.size() + " elements one step off");
        assertTrue(saturated < want.size() / 4, "the test data mostly saturates: " + saturated + " of " + want.size());
    }

    /**
     * A float output: the residual as oneDNN's sum, the smooth activations as post-ops and the others in our vector
     * code; a NaN in the residual comes out where the reference puts it (oneDNN's relu would make it 0).
     */
    @ParameterizedTest(name = "c{0} m{1} k{2} s{3} g{4} block {5} {6} residual {7}")
    @CsvSource({
        "16, 16, 3, 1, 1,   8, Relu,    true",
        "24, 16, 3, 2, 1,   0, Sigmoid, true",
        "16, 24, 1, 1, 1,  -1, Relu,    true",
        "32, 32, 3, 1, 32,  8, None,    false",
        "3,  16, 3, 2, 1,   8, Clip,    true",
        "16, 32, 3, 2, 1,  16, SiLU,    false",
        "16, 16, 1, 1, 1,   0, None,    true"})
    void floatOutputMatchesTheReference(int c, int m, int k, int stride, int group, int block, String act,
                                        boolean residual) {
        NativeAssumptions.assumeDnnl();
        Case t = new Case(c, m, k, stride, group, block, 128, true, "float32", 0, act, params(act), residual);
        Graph g = graph(t, 0);
        Map<String, Tensor> feeds = feeds(t);
        Tensor want = FastVsReference.run(g, feeds, false, null), got = FastVsReference.run(g, feeds, true, KEY);
        assertEquals(DType.FLOAT32, got.dtype());
        assertArrayEquals(want.shape(), got.shape());
        double scale = 0;
        long nan = 0;
        for (long i = 0; i < want.size(); i++) {
            double v = want.getDouble(i);
            if (Double.isFinite(v)) scale = Math.max(scale, Math.abs(v));
        }
        for (long i = 0; i < want.size(); i++) {
            double w = want.getDouble(i), x = got.getDouble(i);
            if (Double.isNaN(w)) nan++;
            boolean ok = Double.isFinite(w) ? Math.abs(x - w) <= 1e-5 * scale : Double.isNaN(w) ? Double.isNaN(x) : w == x;
            assertTrue(ok, "element " + i + ": oneDNN " + x + ", reference " + w + " (scale " + scale + ")");
        }
        assertEquals(residual ? 1 : 0, nan, "the residual's NaN reaches the output once");
    }

    /**
     * Without VNNI oneDNN's int8 products saturate in int16 (see {@link Int8Dot}): an int8 source or 8-bit weights
     * must not be offered there, since its results would be wrong; u8 with 7-bit weights is.
     */
    @Test
    void offeredOnlyWhereExact() {
        NativeAssumptions.assumeDnnl();
        Case exact = new Case(16, 16, 3, 1, 1, 8, 128, true, "uint8", 128, "Relu", new float[0], false);
        assertTrue(keys(exact, DType.UINT8, 63).contains(KEY), "u8 source, |w| <= 63");
        assertEquals(Int8Dot.VNNI, keys(exact, DType.INT8, 63).contains(KEY), "int8 source");
        assertEquals(Int8Dot.VNNI, keys(exact, DType.UINT8, 100).contains(KEY), "|w| = 100");
    }

    /** Parameters oneDNN cannot take as the reference means them leave the node to the reference. */
    @Test
    void notOfferedWhereOneDnnWouldDiffer() {
        NativeAssumptions.assumeDnnl();
        Case base = new Case(16, 16, 3, 1, 1, 8, 128, true, "uint8", 128, "Relu", new float[0], false);
        // a residual onto a quantized output would need oneDNN's sum in the output's integer type
        Case quantizedResidual = new Case(16, 16, 3, 1, 1, 8, 128, true, "uint8", 128, "Relu", new float[0], true);
        assertTrue(keys(quantizedResidual, DType.UINT8, 63).isEmpty());
        // Clip without its bounds: the reference reports it
        Case clipWithoutBounds = new Case(16, 16, 3, 1, 1, 8, 128, true, "uint8", 128, "Clip", new float[0], false);
        assertTrue(keys(clipWithoutBounds, DType.UINT8, 63).isEmpty());
        // a zero scale: the reference reports what it makes of it
        assertTrue(keys(base, DType.UINT8, 63, Map.of("xs", Tensor.ofFloats(new long[0], 0f))).isEmpty());
        assertTrue(keys(base, DType.UINT8, 63, Map.of()).contains(KEY), "the same node with a usable scale");
    }

    @Test
    void announcesWhatItComputesExactly() {
        IntegerConvolution ic = new NativeBackend().integerConvolution();
        if (NativeLibraries.dnnl().isEmpty()) {
            assertNull(ic);
            return;
        }
        assertEquals(new IntegerConvolution(Int8Dot.VNNI, Int8Dot.VNNI ? 127 : Int8Dot.SEVEN_BIT), ic);
        for (DType t : new DType[] {DType.UINT8, DType.INT8}) {
            for (int w : new int[] {1, 63, 64, 127}) assertEquals(ic.exact(t, w), Int8Dot.exact(t == DType.UINT8, w));
        }
    }

    /** The keys of the tactics cpu-native offers for the case with source type {@code x} and weights up to {@code maxW}. */
    private static List<String> keys(Case t, DType x, int maxW) {
        return keys(t, x, maxW, Map.of());
    }

    /** As {@link #keys(Case, DType, int)}, with some constants replaced. */
    private static List<String> keys(Case t, DType x, int maxW, Map<String, Tensor> replaced) {
        Random r = new Random(1);
        Map<String, Tensor> feeds = feeds(t);
        Tensor xv = Tensor.allocate(x, feeds.get("x").shape());
        feeds.put("x", xv);
        Map<String, Tensor> weights = weights(t, r, maxW, 0.1f);
        Tensor zero = Tensor.allocate(x);
        weights.put("xz", zero);
        weights.putAll(replaced);
        Graph g = FastVsReference.graph(node(t), feeds, weights);
        return new NativeBackend().tactics(new NodeContext(g.nodes().getFirst(), 1, g, 1)).stream().map(Tactic::key)
                .toList();
    }

    /**
     * Runs the case on the reference alone or with the tactic forced. A quantized output's scale is the reference
     * float output's RMS over 40 (about 40 steps a standard deviation): few elements saturate, many round.
     */
    private static Tensor run(Case t, boolean fast) {
        Map<String, Tensor> feeds = feeds(t);
        float yScale = 0;
        if (t.quantized()) {
            Case f = new Case(t.c, t.m, t.k, t.stride, t.group, t.block, t.xZero, t.perChannel, "float32", 0, "None",
                    new float[0], false);
            Tensor y = FastVsReference.run(graph(f, 0), feeds, false, null);
            double sum = 0;
            for (long i = 0; i < y.size(); i++) sum += y.getDouble(i) * y.getDouble(i);
            yScale = (float) (Math.sqrt(sum / y.size()) / 40);
            // the bounded activations' outputs span [0, 1]: about 250 steps there (120 for int8 around 0)
            if (t.act.equals("Sigmoid") || t.act.equals("HardSigmoid")) yScale = t.yType.equals("uint8") ? 1 / 250f : 1 / 120f;
        }
        return FastVsReference.run(graph(t, yScale), feeds, fast, fast ? KEY : null);
    }

    private static Graph graph(Case t, float yScale) {
        Map<String, Tensor> weights = weights(t, new Random(t.c * 31L + t.m * 7L + t.k + t.group + t.block), 63, yScale);
        return FastVsReference.graph(node(t), feeds(t), weights);
    }

    private static Node node(Case t) {
        boolean q = t.quantized();
        Node.Builder b = Node.builder(FusedOpSpec.QUANTIZED_CONV).domain(FusedOpSpec.DOMAIN).name("qc")
                .inputs("x", "xs", "xz", "w", "ws", "b", t.residual ? "z" : "", q ? "ys" : "", q ? "yz" : "")
                .outputs("y")
                .attr(Attribute.of("strides", new long[] {t.stride, t.stride}))
                .attr(Attribute.of("pads", new long[] {t.k / 2, t.k / 2, t.k / 2, t.k / 2}))
                .attr(Attribute.of("group", (long) t.group))
                .attr(Attribute.of(FusedOpSpec.ACTIVATION, t.act)).attr(Attribute.of(FusedOpSpec.ACTIVATION_PARAMS, t.params));
        if (t.block >= 0) b.attr(Attribute.of(FusedOpSpec.BLOCK, (long) t.block));
        return b.build();
    }

    /** X (u8, on the case's layout; plain where its channels are not a multiple of the block) and the residual. */
    private static Map<String, Tensor> feeds(Case t) {
        Random r = new Random(t.c * 131L + t.m + t.k * 17L + t.stride + t.block * 5L);
        Tensor x = Tensor.allocate(DType.UINT8, layout(t.c, H, W, t.block));
        for (long i = 0; i < x.size(); i++) x.setLong(i, r.nextInt(256));
        Map<String, Tensor> feeds = new LinkedHashMap<>();
        feeds.put("x", x);
        if (t.residual) {
            int oh = (H + 2 * (t.k / 2) - t.k) / t.stride + 1, ow = (W + 2 * (t.k / 2) - t.k) / t.stride + 1;
            Tensor z = Tensor.allocate(DType.FLOAT32, layout(t.m, oh, ow, t.block));
            for (long i = 0; i < z.size(); i++) z.setDouble(i, r.nextDouble() * 4 - 2);
            z.setDouble(z.size() / 3, Double.NaN);
            feeds.put("z", z);
        }
        return feeds;
    }

    private static long[] layout(int channels, int h, int w, int block) {
        if (block == 0) return new long[] {BATCH, 1, h, w, channels};
        if (block > 0 && channels % block == 0) return new long[] {BATCH, channels / block, h, w, block};
        return new long[] {BATCH, channels, h, w};
    }

    /** Weights within +-{@code maxW}, positive scales, a float bias; y_scale/y_zero_point for a quantized case. */
    private static Map<String, Tensor> weights(Case t, Random r, int maxW, float yScale) {
        Map<String, Tensor> weights = new LinkedHashMap<>();
        weights.put("xs", Tensor.ofFloats(new long[0], 0.02f));
        weights.put("xz", Tensor.fromLongs(DType.UINT8, new long[0], new long[] {t.xZero}));
        Tensor w = Tensor.allocate(DType.INT8, t.m, t.c / t.group, t.k, t.k);
        for (long i = 0; i < w.size(); i++) w.setLong(i, r.nextInt(2 * maxW + 1) - maxW);
        w.setLong(0, maxW); // the largest magnitude occurs
        weights.put("w", w);
        Tensor ws = Tensor.allocate(DType.FLOAT32, t.perChannel ? t.m : 1);
        for (long i = 0; i < ws.size(); i++) ws.setFloat(i, 0.002f + r.nextFloat() * 0.004f);
        weights.put("ws", ws);
        Tensor b = Tensor.allocate(DType.FLOAT32, t.m);
        for (long i = 0; i < b.size(); i++) b.setDouble(i, r.nextDouble() - 0.5);
        weights.put("b", b);
        if (t.quantized()) {
            weights.put("ys", Tensor.ofFloats(new long[0], yScale));
            DType yt = DType.valueOf(t.yType.toUpperCase());
            weights.put("yz", Tensor.fromLongs(yt, new long[0], new long[] {t.yZero}));
        }
        return weights;
    }

    private static float[] params(String act) {
        return switch (act) {
            case "Clip" -> new float[] {-1f, 2f};
            case "LeakyRelu" -> new float[] {0.1f};
            case "HardSigmoid" -> new float[] {0.2f, 0.5f};
            default -> new float[0];
        };
    }
}
