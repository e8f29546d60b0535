package io.jengine.cpu.simd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jengine.ir.Attribute;
import io.jengine.ir.FusedOpSpec;
import io.jengine.ir.Graph;
import io.jengine.ir.Node;
import io.jengine.runtime.Backends;
import io.jengine.runtime.Engine;
import io.jengine.runtime.Session;
import io.jengine.spi.IntegerConvolution;
import io.jengine.tensor.DType;
import io.jengine.tensor.Tensor;
import io.jengine.verify.Tolerance;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code jengine::QuantizedMatMul} computed in float by cpu-simd ({@code quantized-matmul.float}: the fallback where
 * the integer kernels cannot take 8-bit B), forced, against the reference kernel, which sums the integer products
 * exactly and scales in double; and the planner choosing it over the reference where no integer kernel is exact.
 *
 * <p>Bounds. A float output is held to {@link Tolerance#float32Sum} over K + 2 terms of the magnitude
 * {@code sum_p |a_p * b_p| + |bias|} (dequantized values): that policy counts one rounding per product and the
 * store's, and the fallback rounds each product's two dequantized factors once more ({@code (q - zp) * a_scale},
 * {@code code * b_scale}), two more roundings a term, which add {@code 2u * magnitude}, as two more terms would. A
 * quantized output is within one step of the reference's: the float result lies within that bound of the exact one,
 * far below a step (y_scale puts the outputs over tens of steps), so it rounds differently only where the exact value
 * lies that close to a half step, and then to the neighbouring code; so few elements may be off at all (one in 50).
 * Non-finite bias values reach the output as they do in the reference: NaN and infinities exactly in a float output,
 * the same saturated or zero code in a quantized one.
 */
class QuantizedMatMulTacticsTest {
    private static final String FLOAT_KEY = "cpu-simd:quantized-matmul.float";
    private static final String NATIVE_KEY = "cpu-native:dnnl.quantized-matmul";

    /**
     * A case: A's dims ({@code batch} x m x k, batch 1 meaning 2-D A), N, A's type and zero point, per-column scales,
     * the bias ("none", "finite", "nonfinite": NaN, +Inf and -Inf in its first three columns), output type and zero
     * point, activation.
     */
    private record Case(int batch, int m, int k, int n, DType aType, int aZero, boolean perColumn, String bias,
                        DType yType, int yZero, String act) {
        long[] aDims() { return batch == 1 ? new long[] {m, k} : new long[] {batch, m, k}; }

        boolean quantized() { return yType != DType.FLOAT32; }

        boolean hasBias() { return !bias.equals("none"); }

        Case withFloatOutput() {
            return new Case(batch, m, k, n, aType, aZero, perColumn, bias, DType.FLOAT32, 0, act);
        }
    }

    // M, K and N are not multiples of any vector width or register tile; K = 300 spans more than one K block.
    @ParameterizedTest(name = "{0}x{1}x{2} n{3} {4} zp {5} per-column {6} bias {7} -> {8} zp {9} {10}")
    @CsvSource({
        "1, 37, 61,  53, uint8, 128, true,  finite,    float32,   0, None",
        "3, 5,  29,  19, int8,   -3, false, finite,    float32,   0, Relu",
        "2, 9,  70,  33, uint8,  17, false, none,      float32,   0, Gelu",
        "1, 40, 300, 70, uint8, 128, true,  finite,    float32,   0, None",
        "1, 37, 61,  53, int8,    5, true,  finite,    uint8,     3, Relu",
        "2, 13, 45,  41, uint8, 128, false, finite,    int8,     -2, None",
        "3, 7,  33,  27, int8,    0, true,  none,      uint8,   128, Sigmoid",
        "1, 11, 19,  23, uint8, 120, true,  nonfinite, float32,   0, None",
        "2, 6,  37,  21, int8,   -1, false, nonfinite, uint8,    10, None",
        "1, 11, 19,  23, uint8, 120, false, nonfinite, int8,      0, Relu"})
    void matchesTheReference(int batch, int m, int k, int n, String aType, int aZero, boolean perColumn, String bias,
                             String yType, int yZero, String act) {
        Case t = new Case(batch, m, k, n, DType.valueOf(aType.toUpperCase()), aZero, perColumn, bias,
                DType.valueOf(yType.toUpperCase()), yZero, act);
        Map<String, Tensor> feeds = feeds(t, new Random(31L * k + n + m));
        Map<String, Tensor> weights = weights(t, yScale(t, feeds));
        Graph g = FastVsReference.graph(node(t), feeds, weights);
        Tensor want = FastVsReference.run(g, feeds, false, null);
        Tensor got = FastVsReference.run(g, feeds, true, FLOAT_KEY);
        assertEquals(t.yType(), got.dtype());
        assertArrayEquals(want.shape(), got.shape());
        if (t.quantized()) {
            assertWithinOneStep(t, weights, want, got);
        } else {
            assertWithinFloatBound(t, feeds, weights, want, got);
        }
    }

    /**
     * Where no backend computes 8-bit B exactly as integers (a CPU without VNNI), the planner's default rule runs the
     * node on the float fallback rather than the reference kernel; where one does, on that integer kernel. Two runs in
     * one session with different codes check that the reused buffers carry nothing from one run to the next.
     */
    @Test
    void thePlannerPrefersItToTheReference() {
        Case t = new Case(2, 9, 48, 40, DType.UINT8, 128, true, "finite", DType.UINT8, 128, "Relu");
        Map<String, Tensor> first = feeds(t, new Random(5)), second = feeds(t, new Random(6));
        Map<String, Tensor> weights = weights(t, yScale(t, first));
        Graph g = FastVsReference.graph(node(t), first, weights);
        Backends backends = Backends.discover();
        IntegerConvolution integers = backends.integerConvolution();
        String expected = integers != null && integers.exact(DType.UINT8, 127) ? NATIVE_KEY : FLOAT_KEY;
        try (Engine fast = Engine.of(TacticRuns.model(g), backends);
             Engine ref = Engine.of(TacticRuns.model(g), Backends.discover().only(List.of("cpu-reference")));
             Session s = fast.newSession()) {
            String placed = fast.placement().getFirst();
            assertTrue(placed.contains("-> " + expected), "expected " + expected + ", got " + placed);
            for (Map<String, Tensor> feeds : List.of(first, second, first)) {
                Tensor got = (Tensor) s.run(feeds).get("y"), want = (Tensor) ref.run(feeds).get("y");
                assertWithinOneStep(t, weights, want, got);
            }
        }
    }

    private static void assertWithinOneStep(Case t, Map<String, Tensor> weights, Tensor want, Tensor got) {
        Tensor bias = weights.get("bias");
        long off = 0;
        for (long i = 0; i < want.size(); i++) {
            long a = want.getLong(i), c = got.getLong(i);
            boolean nonFinite = bias != null && !Float.isFinite(bias.getFloat((int) (i % t.n())));
            assertTrue(nonFinite ? a == c : Math.abs(a - c) <= 1, "element " + i + ": " + c + ", reference " + a);
            if (a != c) off++;
        }
        assertTrue(off <= want.size() / 50, off + " of " + want.size() + " elements one step off");
    }

    private static void assertWithinFloatBound(Case t, Map<String, Tensor> feeds, Map<String, Tensor> weights,
                                               Tensor want, Tensor got) {
        double[][] magnitude = magnitude(t, feeds.get("a"), weights);
        long nonFinite = 0;
        for (long i = 0; i < want.size(); i++) {
            double w = want.getDouble(i), x = got.getDouble(i);
            double mag = magnitude[(int) (i / t.n())][(int) (i % t.n())];
            if (!Double.isFinite(w)) nonFinite++;
            assertTrue(Tolerance.float32Sum(t.k() + 2, mag).accepts(w, x),
                    "element " + i + ": " + x + ", reference " + w + " (magnitude " + mag + ")");
        }
        if (t.bias().equals("nonfinite")) assertTrue(nonFinite > 0, "the bias's NaN and infinities reach the output");
    }

    /** {@code sum_p |(a - az) * as * b[p, j] * bs[j]| + |bias[j]|} for every row and column, in double. */
    private static double[][] magnitude(Case t, Tensor a, Map<String, Tensor> weights) {
        Tensor b = weights.get("b"), bs = weights.get("bs"), bias = weights.get("bias");
        double as = weights.get("as").getDouble(0);
        int rows = (int) (a.size() / t.k());
        double[][] out = new double[rows][t.n()];
        for (int r = 0; r < rows; r++) {
            for (int j = 0; j < t.n(); j++) {
                double sum = bias == null ? 0 : Math.abs(bias.getDouble(j));
                double scale = as * bs.getDouble(bs.size() == 1 ? 0 : j);
                for (int p = 0; p < t.k(); p++) {
                    sum += Math.abs((a.getDouble((long) r * t.k() + p) - t.aZero()) * b.getDouble((long) p * t.n() + j)
                            * scale);
                }
                out[r][j] = sum;
            }
        }
        return out;
    }

    /**
     * y_scale for a quantized case: the reference's float output's RMS (finite elements) over 40, about 40 steps a
     * standard deviation; Sigmoid's [0, 1] in 120 steps.
     */
    private static float yScale(Case t, Map<String, Tensor> feeds) {
        if (!t.quantized()) return 0;
        if (t.act().equals("Sigmoid")) return 1 / 120f;
        Case f = t.withFloatOutput();
        Tensor y = FastVsReference.run(FastVsReference.graph(node(f), feeds, weights(f, 0)), feeds, false, null);
        double sum = 0;
        long count = 0;
        for (long i = 0; i < y.size(); i++) {
            double v = y.getDouble(i);
            if (Double.isFinite(v)) {
                sum += v * v;
                count++;
            }
        }
        return (float) (Math.sqrt(sum / count) / 40);
    }

    private static Node node(Case t) {
        boolean q = t.quantized();
        return Node.builder(FusedOpSpec.QUANTIZED_MATMUL).domain(FusedOpSpec.DOMAIN).name("qm")
                .inputs("a", "as", "az", "b", "bs", t.hasBias() ? "bias" : "", q ? "ys" : "", q ? "yz" : "")
                .outputs("y").attr(Attribute.of(FusedOpSpec.ACTIVATION, t.act())).build();
    }

    /** A's codes over the whole range of its type, seeded. */
    private static Map<String, Tensor> feeds(Case t, Random r) {
        Tensor a = Tensor.allocate(t.aType(), t.aDims());
        for (long i = 0; i < a.size(); i++) a.setLong(i, t.aType() == DType.UINT8 ? r.nextInt(256) : r.nextInt(256) - 128);
        Map<String, Tensor> feeds = new LinkedHashMap<>();
        feeds.put("a", a);
        return feeds;
    }

    /** B over all of int8 (127 occurs: no integer kernel without VNNI takes it), positive scales, the bias, y. */
    private static Map<String, Tensor> weights(Case t, float yScale) {
        Random r = new Random(7L * t.k() + t.n());
        Map<String, Tensor> weights = new LinkedHashMap<>();
        weights.put("as", Tensor.ofFloats(new long[0], 0.02f));
        weights.put("az", Tensor.fromLongs(t.aType(), new long[0], new long[] {t.aZero()}));
        Tensor b = Tensor.allocate(DType.INT8, t.k(), t.n());
        for (long i = 0; i < b.size(); i++) b.setLong(i, r.nextInt(256) - 128);
        b.setLong(0, 127);
        weights.put("b", b);
        Tensor bs = Tensor.allocate(DType.FLOAT32, t.perColumn() ? t.n() : 1);
        for (long i = 0; i < bs.size(); i++) bs.setFloat(i, 0.002f + r.nextFloat() * 0.004f);
        weights.put("bs", bs);
        if (t.hasBias()) {
            Tensor bias = Tensor.allocate(DType.FLOAT32, t.n());
            for (long i = 0; i < bias.size(); i++) bias.setDouble(i, r.nextDouble() - 0.5);
            if (t.bias().equals("nonfinite")) {
                bias.setFloat(0, Float.NaN);
                bias.setFloat(1, Float.POSITIVE_INFINITY);
                bias.setFloat(2, Float.NEGATIVE_INFINITY);
            }
            weights.put("bias", bias);
        }
        if (t.quantized()) {
            weights.put("ys", Tensor.ofFloats(new long[0], yScale));
            weights.put("yz", Tensor.fromLongs(t.yType(), new long[0], new long[] {t.yZero()}));
        }
        return weights;
    }
}
