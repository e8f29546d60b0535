package io.jengine.cpu.nativelib;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jengine.cpu.simd.FastVsReference;
import io.jengine.ir.Attribute;
import io.jengine.ir.FusedOpSpec;
import io.jengine.ir.Graph;
import io.jengine.ir.Node;
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
 * {@code jengine::QuantizedMatMul} on oneDNN's integer matmul ({@code dnnl.quantized-matmul}, forced) against the
 * reference kernel, which sums the integer products exactly and scales in double. The data are u8 A and 7-bit B, which
 * every x86 CPU oneDNN runs on computes exactly ({@link Int8Dot}). A quantized output may land one step off where the
 * exact value sits within float rounding of a rounding boundary; a float output must be within 1e-5 of the output's
 * magnitude.
 */
class QuantizedMatMulNativeTest {
    private static final String KEY = "cpu-native:dnnl.quantized-matmul";

    /** A case: A's dims, K and N, A's zero point, scales, output type and zero point, activation. */
    private record Case(long[] aDims, int n, int aZero, boolean perColumn, String yType, int yZero, String act) {
        boolean quantized() { return !yType.equals("float32"); }

        int k() { return (int) aDims[aDims.length - 1]; }
    }

    @ParameterizedTest(name = "{0}x{1}x{2} n{3} a_zp {4} per-column {5} -> {6} zp {7} {8}")
    @CsvSource({
        "1, 37, 64, 48, 128, true,  uint8, 128, Relu",
        "1, 16, 32, 16,   0, false, int8,   -3, None",
        "2, 9,  40, 24, 120, true,  uint8,   0, Clip",
        "3, 5,  64, 32,  17, true,  int8,    0, Sigmoid"})
    void quantizedOutputWithinOneStep(int batch, int m, int k, int n, int aZero, boolean perColumn, String yType,
                                      int yZero, String act) {
        NativeAssumptions.assumeDnnl();
        Case t = new Case(dims(batch, m, k), n, aZero, perColumn, yType, yZero, act);
        float yScale = yScale(t);
        Tensor want = run(t, yScale, false), got = run(t, yScale, true);
        DType yt = DType.valueOf(yType.toUpperCase());
        assertEquals(yt, got.dtype());
        assertArrayEquals(want.shape(), got.shape());
        long off = io.jengine.cpu.simd.FastVsReference.oneStepOff(want, got);
        assertTrue(off <= want.size() / 50, off + " of " + want.size() + " elements one step off");
    }

    @ParameterizedTest(name = "{0}x{1}x{2} n{3} {4}")
    @CsvSource({
        "1, 37, 64, 48, Relu",
        "2, 9,  40, 24, Sigmoid",
        "1, 16, 32, 16, None",
        "3, 5,  64, 32, Clip"})
    void floatOutputMatchesTheReference(int batch, int m, int k, int n, String act) {
        NativeAssumptions.assumeDnnl();
        Case t = new Case(dims(batch, m, k), n, 128, true, "float32", 0, act);
        Tensor want = run(t, 0, false), got = run(t, 0, true);
        assertEquals(DType.FLOAT32, got.dtype());
        assertArrayEquals(want.shape(), got.shape());
        double scale = 0;
        for (long i = 0; i < want.size(); i++) scale = Math.max(scale, Math.abs(want.getDouble(i)));
        for (long i = 0; i < want.size(); i++) {
            double w = want.getDouble(i), x = got.getDouble(i);
            assertTrue(Math.abs(x - w) <= 1e-5 * scale, "element " + i + ": oneDNN " + x + ", reference " + w);
        }
    }

    /** Without VNNI an int8 A or 8-bit B would give wrong results (see {@link Int8Dot}): not offered there. */
    @Test
    void offeredOnlyWhereExact() {
        NativeAssumptions.assumeDnnl();
        Case t = new Case(dims(1, 8, 32), 16, 128, true, "uint8", 128, "Relu");
        assertTrue(keys(t, DType.UINT8, 63).contains(KEY), "u8 A, |b| <= 63");
        assertEquals(Int8Dot.VNNI, keys(t, DType.INT8, 63).contains(KEY), "int8 A");
        assertEquals(Int8Dot.VNNI, keys(t, DType.UINT8, 100).contains(KEY), "|b| = 100");
    }

    private static long[] dims(int batch, int m, int k) {
        return batch == 1 ? new long[] {m, k} : new long[] {batch, m, k};
    }

    private static List<String> keys(Case t, DType a, int maxB) {
        Map<String, Tensor> feeds = new LinkedHashMap<>();
        feeds.put("a", Tensor.allocate(a, t.aDims()));
        Map<String, Tensor> weights = weights(t, new Random(1), maxB, 0.1f);
        weights.put("az", Tensor.allocate(a));
        Graph g = FastVsReference.graph(node(t), feeds, weights);
        return new NativeBackend().tactics(new NodeContext(g.nodes().getFirst(), 1, g, 1)).stream().map(Tactic::key)
                .toList();
    }

    /** The reference float output's RMS over 40 (about 40 steps a standard deviation); Sigmoid's [0, 1] in ~120. */
    private static float yScale(Case t) {
        if (t.act().equals("Sigmoid")) return 1 / 120f;
        Case f = new Case(t.aDims(), t.n(), t.aZero(), t.perColumn(), "float32", 0, "None");
        Tensor y = run(f, 0, false);
        double sum = 0;
        for (long i = 0; i < y.size(); i++) sum += y.getDouble(i) * y.getDouble(i);
        return (float) (Math.sqrt(sum / y.size()) / 40);
    }

    private static Tensor run(Case t, float yScale, boolean fast) {
        Map<String, Tensor> weights = weights(t, new Random(t.k() * 31L + t.n()), 63, yScale);
        Graph g = FastVsReference.graph(node(t), feeds(t), weights);
        return FastVsReference.run(g, feeds(t), fast, fast ? KEY : null);
    }

    private static Node node(Case t) {
        boolean q = t.quantized();
        return Node.builder(FusedOpSpec.QUANTIZED_MATMUL).domain(FusedOpSpec.DOMAIN).name("qm")
                .inputs("a", "as", "az", "b", "bs", "bias", q ? "ys" : "", q ? "yz" : "").outputs("y")
                .attr(Attribute.of(FusedOpSpec.ACTIVATION, t.act()))
                .attr(Attribute.of(FusedOpSpec.ACTIVATION_PARAMS, t.act().equals("Clip") ? new float[] {-1f, 2f}
                        : new float[0]))
                .build();
    }

    private static Map<String, Tensor> feeds(Case t) {
        Random r = new Random(t.k() * 131L + t.n() + t.aDims()[0]);
        Tensor a = Tensor.allocate(DType.UINT8, t.aDims());
        for (long i = 0; i < a.size(); i++) a.setLong(i, r.nextInt(256));
        Map<String, Tensor> feeds = new LinkedHashMap<>();
        feeds.put("a", a);
        return feeds;
    }

    /** B within +-{@code maxB}, positive scales, a float bias; y_scale/y_zero_point for a quantized case. */
    private static Map<String, Tensor> weights(Case t, Random r, int maxB, float yScale) {
        Map<String, Tensor> weights = new LinkedHashMap<>();
        weights.put("as", Tensor.ofFloats(new long[0], 0.02f));
        weights.put("az", Tensor.fromLongs(DType.UINT8, new long[0], new long[] {t.aZero()}));
        Tensor b = Tensor.allocate(DType.INT8, t.k(), t.n());
        for (long i = 0; i < b.size(); i++) b.setLong(i, r.nextInt(2 * maxB + 1) - maxB);
        b.setLong(0, maxB); // the largest magnitude occurs
        weights.put("b", b);
        Tensor bs = Tensor.allocate(DType.FLOAT32, t.perColumn() ? t.n() : 1);
        for (long i = 0; i < bs.size(); i++) bs.setFloat(i, 0.002f + r.nextFloat() * 0.004f);
        weights.put("bs", bs);
        Tensor bias = Tensor.allocate(DType.FLOAT32, t.n());
        for (long i = 0; i < bias.size(); i++) bias.setDouble(i, r.nextDouble() - 0.5);
        weights.put("bias", bias);
        if (t.quantized()) {
            weights.put("ys", Tensor.ofFloats(new long[0], yScale));
            DType yt = DType.valueOf(t.yType().toUpperCase());
            weights.put("yz", Tensor.fromLongs(yt, new long[0], new long[] {t.yZero()}));
        }
        return weights;
    }
}
