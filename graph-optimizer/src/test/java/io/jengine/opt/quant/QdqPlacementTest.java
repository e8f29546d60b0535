package io.jengine.opt.quant;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jengine.ir.Attribute;
import io.jengine.ir.Graph;
import io.jengine.ir.Model;
import io.jengine.ir.Node;
import io.jengine.ir.ValueInfo;
import io.jengine.runtime.Engine;
import io.jengine.tensor.DType;
import io.jengine.tensor.Tensor;
import io.jengine.tensor.Value;
import io.jengine.tensor.ValueType;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** The graph after placement, and what it computes: the float model on fake-quantized activations and weights. */
public class QdqPlacementTest {
    private static Tensor random(Random r, long... shape) {
        Tensor t = Tensor.allocate(DType.FLOAT32, shape);
        for (long i = 0; i < t.size(); i++) t.setFloat(i, (float) (r.nextGaussian() * 0.7 + 0.1));
        return t;
    }

    /** x -> Conv(w1) -> Relu -> h -> Conv(w2) -> y, and h -> Gemm(transB) -> z after a flatten. */
    private static Model model(Tensor w1, Tensor w2, Tensor wg) {
        Graph g = Graph.builder("qdq").opset("", 17)
                .addInput(new ValueInfo("x", ValueType.tensor(DType.FLOAT32, 2, 3, 6, 6)))
                .initializer("w1", w1).initializer("w2", w2).initializer("wg", wg)
                .addNode(Node.builder("Conv").name("c1").inputs("x", "w1").outputs("c").attr(Attribute.of("pads", new long[] {1, 1, 1, 1})).build())
                .addNode(Node.builder("Relu").name("r").inputs("c").outputs("h").build())
                .addNode(Node.builder("Conv").name("c2").inputs("h", "w2").outputs("y").build())
                .addNode(Node.builder("Flatten").name("f").inputs("h").outputs("hf").build())
                .addNode(Node.builder("Gemm").name("g").inputs("hf", "wg").outputs("z").attr(Attribute.of("transB", 1L)).build())
                .addOutput(new ValueInfo("y", null)).addOutput(new ValueInfo("z", null)).build();
        return new Model(8, "test", "", g, Map.of());
    }

    private static Map<String, Integer> ops(Graph g) {
        Map<String, Integer> m = new TreeMap<>();
        for (Node n : g.nodes()) m.merge(n.opType(), 1, Integer::sum);
        return m;
    }

    @Test
    void calibratedSitesReadDequantizedActivationsAndPerChannelInt8Weights() {
        Random r = new Random(3);
        Tensor w1 = random(r, 4, 3, 3, 3), w2 = random(r, 5, 4, 1, 1), wg = random(r, 7, 4 * 36);
        Model placed = QdqPlacement.apply(model(w1, w2, wg),
                Map.of("x", new ActivationRange(2.5, false), "h", new ActivationRange(1.5, true),
                        "hf", new ActivationRange(1.5, true)));
        Graph g = placed.graph();
        // x and h each one pair (h's shared by nothing else: hf has its own), every weight one DequantizeLinear
        assertEquals(Map.of("Conv", 2, "Relu", 1, "Flatten", 1, "Gemm", 1, "QuantizeLinear", 3, "DequantizeLinear", 6),
                ops(g));
        Node c1 = g.nodes().stream().filter(n -> n.name().equals("c1")).findFirst().orElseThrow();
        assertEquals(List.of("x/dequantized", "w1/dequantized"), c1.inputs());
        assertFalse(g.initializers().containsKey("w1"), "the float weights are gone");
        assertEquals(DType.INT8, g.initializers().get("w1/int8").dtype());
        assertEquals(DType.INT8, g.initializers().get("x/zero_point").dtype());
        assertEquals(DType.UINT8, g.initializers().get("h/zero_point").dtype(), "a non-negative tensor is uint8");
        assertEquals(2.5f / 127, g.initializers().get("x/scale").getFloat(0), 0);
        assertEquals(1.5f / 255, g.initializers().get("h/scale").getFloat(0), 0);
        // per output channel: axis 0 of a conv's weights, and of a transB Gemm's
        Tensor s1 = g.initializers().get("w1/scales");
        assertEquals(4, s1.size());
        for (int c = 0; c < 4; c++) {
            float amax = 0;
            for (int e = 0; e < 27; e++) amax = Math.max(amax, Math.abs(w1.getFloat(c * 27L + e)));
            assertEquals(amax / 127, s1.getFloat(c), 0, "channel " + c);
        }
        assertEquals(7, g.initializers().get("wg/scales").size());
        Node dq = g.nodes().stream().filter(n -> n.name().equals("wg/DequantizeLinear")).findFirst().orElseThrow();
        assertEquals(0, dq.attrInt("axis", -1));
        Tensor codes = g.initializers().get("w2/int8");
        for (long i = 0; i < codes.size(); i++) assertTrue(Math.abs(codes.getLong(i)) <= 127);
    }

    @Test
    void theQuantizedGraphComputesTheFloatGraphOnFakeQuantizedValues() {
        Random r = new Random(5);
        Tensor w1 = random(r, 4, 3, 3, 3), w2 = random(r, 5, 4, 1, 1), wg = random(r, 7, 4 * 36);
        Tensor x = random(r, 2, 3, 6, 6);
        double xAmax = 1.2; // below the data's max: values beyond it saturate
        Model placed = QdqPlacement.apply(model(w1, w2, wg), Map.of("x", new ActivationRange(xAmax, false)));
        // by hand: x rounded to its int8 grid with saturation; w1 to its per-channel grid; the rest float
        float sx = (float) (xAmax / 127);
        Tensor xq = Tensor.allocate(DType.FLOAT32, x.shape());
        for (long i = 0; i < x.size(); i++) xq.setFloat(i, (float) (Math.max(-128, Math.min(127, Math.rint(x.getFloat(i) / sx))) * sx));
        Tensor w1q = Tensor.allocate(DType.FLOAT32, w1.shape());
        for (int c = 0; c < 4; c++) {
            float amax = 0;
            for (int e = 0; e < 27; e++) amax = Math.max(amax, Math.abs(w1.getFloat(c * 27L + e)));
            float s = amax / 127;
            for (int e = 0; e < 27; e++) w1q.setFloat(c * 27L + e, (float) (Math.rint(w1.getFloat(c * 27L + e) / s) * s));
        }
        Map<String, Value> want = run(model(w1q, w2, wg), Map.of("x", xq));
        Map<String, Value> got = run(placed, Map.of("x", x));
        for (String out : List.of("y", "z")) {
            Tensor a = (Tensor) want.get(out), b = (Tensor) got.get(out);
            for (long i = 0; i < a.size(); i++) {
                assertEquals(a.getFloat(i), b.getFloat(i), 1e-4 * (1 + Math.abs(a.getFloat(i))), out + "[" + i + "]");
            }
        }
        // and it differs from the float model: the test would notice placement doing nothing
        Tensor plain = (Tensor) run(model(w1, w2, wg), Map.of("x", x)).get("y");
        double diff = 0;
        for (long i = 0; i < plain.size(); i++) diff = Math.max(diff, Math.abs(plain.getFloat(i) - ((Tensor) got.get("y")).getFloat(i)));
        assertTrue(diff > 1e-3, "quantization changed the output: " + diff);
    }

    @Test
    void withoutARangeASiteStaysFloat() {
        Random r = new Random(7);
        Model m = model(random(r, 4, 3, 3, 3), random(r, 5, 4, 1, 1), random(r, 7, 4 * 36));
        Model placed = QdqPlacement.apply(m, Map.of("h", new ActivationRange(1, true)));
        Graph g = placed.graph();
        assertTrue(g.initializers().containsKey("w1"), "c1 has no range: its weights stay float");
        assertEquals(1, ops(g).get("QuantizeLinear"));
        assertEquals(m, QdqPlacement.apply(m, Map.of()), "no range, no change");
    }

    /** An opset-11 graph's weights get one scale per output channel too: the engine's DequantizeLinear takes the axis. */
    @Test
    void beforeOpset13WeightsStillGetAScalePerChannel() {
        Random r = new Random(9);
        Model m = model(random(r, 4, 3, 3, 3), random(r, 5, 4, 1, 1), random(r, 7, 4 * 36));
        Graph old = m.graph().toBuilder().opset("", 11).build();
        Model placed = QdqPlacement.apply(new Model(8, "test", "", old, Map.of()), Map.of("x", new ActivationRange(2, false)));
        Graph g = placed.graph();
        assertArrayEquals(new long[] {4}, g.initializers().get("w1/scales").shape());
        assertEquals(0, g.nodes().stream().filter(n -> n.name().equals("w1/DequantizeLinear")).findFirst().orElseThrow()
                .attrInt("axis", -1));
        assertEquals(11, g.opset(""), "the graph's opset is left as it was");
        // and computes what the same placement at opset 17 does: the kernels take the axis at opset 11
        Map<String, Tensor> feeds = Map.of("x", random(r, 2, 3, 6, 6));
        Map<String, Value> at11 = run(placed, feeds);
        Map<String, Value> at17 = run(QdqPlacement.apply(m, Map.of("x", new ActivationRange(2, false))), feeds);
        for (String y : List.of("y", "z")) {
            assertArrayEquals(((Tensor) at17.get(y)).toFloatArray(), ((Tensor) at11.get(y)).toFloatArray(), y);
        }
    }

    private static Map<String, Value> run(Model m, Map<String, Tensor> feeds) {
        try (Engine e = Engine.of(m)) {
            return e.run(feeds);
        }
    }
}
