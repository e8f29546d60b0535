package io.jengine.cpu.simd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.jengine.ir.Graph;
import io.jengine.ir.Node;
import io.jengine.tensor.DType;
import io.jengine.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Per-tensor QuantizeLinear and DequantizeLinear against the reference, exactly: ties at half a step (rounded to even),
 * values beyond the range (saturated), NaN (0) and infinities, both element types and zero points; sizes large
 * enough to be split over threads and odd ones.
 */
class QuantizeTacticsTest {
    @ParameterizedTest(name = "{0} zp {1} n {2}")
    @CsvSource({"uint8, 0, 1001", "uint8, 128, 70001", "int8, 0, 333", "int8, -5, 70003"})
    void quantizeMatchesTheReferenceExactly(String type, int zp, int n) {
        DType t = DType.valueOf(type.toUpperCase());
        float scale = 0.0371f;
        Random r = new Random(n + zp);
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = switch (i % 7) {
                case 0 -> (r.nextInt(600) - 300 + 0.5f) * scale; // a tie, as exactly as float allows
                case 1 -> (r.nextFloat() - 0.5f) * 40; // far beyond the range
                default -> (r.nextFloat() - 0.5f) * 9;
            };
        }
        x[3] = Float.NaN;
        x[10] = Float.POSITIVE_INFINITY;
        x[17] = Float.NEGATIVE_INFINITY;
        Map<String, Tensor> weights = new LinkedHashMap<>();
        weights.put("s", Tensor.ofFloats(new long[0], scale));
        Tensor z = Tensor.allocate(t);
        z.setLong(0, zp);
        weights.put("z", z);
        Node node = Node.builder("QuantizeLinear").name("q").inputs("x", "s", "z").outputs("y").build();
        Map<String, Tensor> feeds = Map.of("x", Tensor.ofFloats(new long[] {1, n}, x));
        Graph g = FastVsReference.graph(node, feeds, weights);
        Tensor want = FastVsReference.run(g, feeds, false, null);
        Tensor got = FastVsReference.run(g, feeds, true, "cpu-simd:quantize-linear");
        assertEquals(t, got.dtype());
        assertArrayEquals(want.toLongArray(), got.toLongArray());
    }

    @ParameterizedTest(name = "{0} zp {1} n {2}")
    @CsvSource({"uint8, 0, 1001", "uint8, 131, 70001", "int8, 0, 333", "int8, 7, 70003"})
    void dequantizeMatchesTheReferenceExactly(String type, int zp, int n) {
        DType t = DType.valueOf(type.toUpperCase());
        Random r = new Random(n - zp);
        Tensor q = Tensor.allocate(t, 1, n);
        for (long i = 0; i < n; i++) q.setLong(i, t == DType.UINT8 ? r.nextInt(256) : r.nextInt(256) - 128);
        Map<String, Tensor> weights = new LinkedHashMap<>();
        weights.put("s", Tensor.ofFloats(new long[0], 0.0123f));
        Tensor z = Tensor.allocate(t);
        z.setLong(0, zp);
        weights.put("z", z);
        Node node = Node.builder("DequantizeLinear").name("dq").inputs("q", "s", "z").outputs("y").build();
        Map<String, Tensor> feeds = Map.of("q", q);
        Graph g = FastVsReference.graph(node, feeds, weights);
        Tensor want = FastVsReference.run(g, feeds, false, null);
        Tensor got = FastVsReference.run(g, feeds, true, "cpu-simd:dequantize-linear");
        assertArrayEquals(want.toFloatArray(), got.toFloatArray());
    }
}
