package io.jengine.opt.passes;

import static io.jengine.opt.passes.PassTesting.f32;
import static io.jengine.opt.passes.PassTesting.ops;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jengine.ir.Attribute;
import io.jengine.ir.FusedOpSpec;
import io.jengine.ir.Graph;
import io.jengine.ir.Model;
import io.jengine.ir.Node;
import io.jengine.ir.ValueInfo;
import io.jengine.opt.ChannelsLast;
import io.jengine.opt.GraphOptimizer;
import io.jengine.opt.OptimizationReport;
import io.jengine.opt.OptimizerOptions;
import io.jengine.opt.quant.ActivationRange;
import io.jengine.opt.quant.QdqPlacement;
import io.jengine.runtime.Engine;
import io.jengine.spi.IntegerConvolution;
import io.jengine.tensor.DType;
import io.jengine.tensor.Tensor;
import io.jengine.tensor.Value;
import io.jengine.tensor.ValueType;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Quantized convolutions as integer layers: which QDQ patterns fuse for which integer kernels, which weights constant
 * folding keeps as int8 codes, and that the fused graph computes what the QDQ graph does in float.
 */
class QuantizedConvFusionTest {
    private static final IntegerConvolution SEVEN_BIT_UNSIGNED = new IntegerConvolution(false, 63);
    private static final IntegerConvolution VNNI = new IntegerConvolution(true, 127);

    private static Tensor random(Random r, long... shape) {
        Tensor t = Tensor.allocate(DType.FLOAT32, shape);
        for (long i = 0; i < t.size(); i++) t.setFloat(i, (float) (r.nextGaussian() * 0.5 + 0.05));
        return t;
    }

    private static Node conv(String name, String x, String w, String out, long pad) {
        return Node.builder("Conv").name(name).inputs(x, w, w + "_b").outputs(out)
                .attr(Attribute.of("pads", new long[] {pad, pad, pad, pad})).build();
    }

    /**
     * in → Neg → x → Conv 3×3 → Relu → h → Conv 1×1 → Add(h2 + x) (a residual) → Relu → y; and h → Conv 1×1 (a second reader) →
     * z. {@code c} channels throughout.
     */
    private static Model model(long c, Random r) {
        // x is computed (not the graph input itself, whose first convolution placement may keep in float)
        Graph g = Graph.builder("q").opset("", 17).addInput(f32("in", 1, c, 7, 7))
                .addNode(Node.builder("Neg").name("neg").inputs("in").outputs("x").build())
                .initializer("w1", random(r, c, c, 3, 3)).initializer("w1_b", random(r, c))
                .initializer("w2", random(r, c, c, 1, 1)).initializer("w2_b", random(r, c))
                .initializer("w3", random(r, c, c, 1, 1)).initializer("w3_b", random(r, c))
                .addNode(conv("c1", "x", "w1", "a", 1))
                .addNode(Node.builder("Relu").name("r1").inputs("a").outputs("h").build())
                .addNode(conv("c2", "h", "w2", "b", 0))
                .addNode(Node.builder("Add").name("add").inputs("b", "x").outputs("s").build())
                .addNode(Node.builder("Relu").name("r2").inputs("s").outputs("y").build())
                .addNode(conv("c3", "h", "w3", "z", 0))
                .addOutput(new ValueInfo("y", null)).addOutput(new ValueInfo("z", null)).build();
        return new Model(8, "test", "", g, Map.of());
    }

    /** The model fused (level 2), quantized where calibration would put its ranges, for {@code target}. */
    private static Model quantized(long c, IntegerConvolution placedFor) {
        Random r = new Random(11);
        Model fused = GraphOptimizer.optimize(model(c, r), OptimizerOptions.level(2));
        return QdqPlacement.apply(fused, Map.of("x", new ActivationRange(2.0, false), "h", new ActivationRange(3.0, true)),
                placedFor);
    }

    private static Graph optimized(Model m, int level, int block, IntegerConvolution target) {
        OptimizerOptions o = new OptimizerOptions(level, Set.of(), true, block, ChannelsLast.NEVER, target, null);
        return GraphOptimizer.optimize(m, o, new OptimizationReport()).graph();
    }

    private static Map<String, Value> run(Graph g, Tensor x) {
        try (Engine e = Engine.of(new Model(8, "test", "", g, Map.of()))) {
            return e.run(Map.of("in", x));
        }
    }

    /** The integer graph's outputs against the QDQ graph's computed in float. */
    private static void assertSameResults(Graph integer, Graph inFloat) {
        Tensor x = random(new Random(5), 1, 8, 7, 7);
        Map<String, Value> want = run(inFloat, x), got = run(integer, x);
        for (String out : new String[] {"y", "z"}) {
            Tensor w = (Tensor) want.get(out), g = (Tensor) got.get(out);
            double maxAbs = 0;
            for (long i = 0; i < w.size(); i++) maxAbs = Math.max(maxAbs, Math.abs(w.getDouble(i)));
            for (long i = 0; i < w.size(); i++) {
                // the integer layers sum exactly where the float graph rounds: equal to float rounding
                assertEquals(w.getDouble(i), g.getDouble(i), 1e-5 * Math.max(1, maxAbs), out + "[" + i + "]");
            }
        }
    }

    private static Node only(Graph g, String op) {
        return g.nodes().stream().filter(n -> n.opType().equals(op)).findFirst().orElseThrow();
    }

    @Test
    void convolutionsOnDequantizedCodesBecomeIntegerLayers() {
        Model m = quantized(8, SEVEN_BIT_UNSIGNED);
        Graph g = optimized(m, 2, 0, SEVEN_BIT_UNSIGNED);
        // x quantized once (uint8 around 128: the target takes no int8 source); c1 writes h's uint8 codes itself,
        // which c2 and c3 read; c2 keeps the residual and Relu and writes float, since y leaves the graph: its
        // residual is then x's codes dequantized, in float
        assertEquals(Map.of("Neg", 1, "QuantizeLinear", 1, "DequantizeLinear", 1, "jengine.QuantizedConv", 3), ops(g),
                g.nodes().toString());
        Node c1 = g.nodes().stream().filter(n -> n.name().startsWith("c1")).findFirst().orElseThrow();
        assertEquals("h/quantized", c1.outputs().getFirst());
        assertEquals("Relu", c1.attrString(FusedOpSpec.ACTIVATION, ""));
        assertEquals(DType.UINT8, g.initializers().get("x/zero_point").dtype());
        assertEquals(128, g.initializers().get("x/zero_point").getLong(0));
        Node c2 = g.nodes().stream().filter(n -> n.name().startsWith("c2")).findFirst().orElseThrow();
        assertEquals("x/dequantized", c2.inputs().get(FusedOpSpec.QC_RESIDUAL), "a float residual");
        assertEquals(FusedOpSpec.QC_RESIDUAL + 1, c2.inputs().size(), "no requantization after a residual");
        Tensor codes = g.initializers().get(c2.inputs().get(FusedOpSpec.QC_W));
        int max = 0;
        for (long i = 0; i < codes.size(); i++) max = Math.max(max, (int) Math.abs(codes.getLong(i)));
        assertEquals(63, max, "7-bit weights for a target without VNNI");
        assertSameResults(g, optimized(m, 2, 0, null));
    }

    @Test
    void withoutExactIntegerKernelsTheWeightsFoldToFloat() {
        // full-range weights and int8 sources, for a target that computes neither exactly
        Model m = quantized(8, null);
        Graph g = optimized(m, 2, 0, SEVEN_BIT_UNSIGNED);
        Map<String, Integer> ops = ops(g);
        assertFalse(ops.containsKey("jengine.QuantizedConv"), ops.toString());
        for (Node n : g.nodes()) {
            if (n.opType().equals("DequantizeLinear")) {
                assertFalse(g.initializers().containsKey(n.inputs().getFirst())
                        && g.initializers().get(n.inputs().getFirst()).dtype() == DType.INT8
                        && g.initializers().get(n.inputs().getFirst()).rank() == 4, "weights left dequantized at run time: " + n);
            }
        }
        // no integer kernels at all: the same
        assertEquals(ops, ops(optimized(m, 2, 0, null)));
        // with VNNI the same model runs as integers
        assertEquals(3, ops(optimized(m, 2, 0, VNNI)).get("jengine.QuantizedConv"));
    }

    @Test
    void integerLayersTakeTheBlockedLayoutAndIntegersStayBlocked() {
        Model m = quantized(8, SEVEN_BIT_UNSIGNED);
        Graph g = optimized(m, 3, 8, SEVEN_BIT_UNSIGNED);
        for (Node n : g.nodes()) {
            if (FusedOpSpec.is(n, FusedOpSpec.QUANTIZED_CONV)) assertEquals(8, n.attrInt(FusedOpSpec.BLOCK, -1), n.name());
        }
        // x is blocked once as float (the residual) and once as its uint8 codes; h's codes never leave the layout
        Map<String, Integer> ops = ops(g);
        assertEquals(3, ops.get("jengine.QuantizedConv"));
        assertEquals(2, ops.get("jengine.FromChannelBlocked"), "y and z leave the layout");
        Graph typed = io.jengine.infer.ShapeInference.infer(g);
        ValueType hq = typed.typeOf(only(g, FusedOpSpec.QUANTIZED_CONV).outputs().getFirst());
        assertTrue(hq instanceof ValueType.TensorType t && t.elementType() == DType.UINT8 && t.shape().rank() == 5,
                "h's codes blocked: " + hq);
        assertSameResults(g, optimized(m, 2, 0, null));
    }

    @Test
    void anIntegerResidualKeepsTheBlockOutputInIntegers() {
        // y read by a quantized convolution: c2's output is requantized, so its residual joins as x's codes
        Model m = quantized(8, SEVEN_BIT_UNSIGNED);
        Graph.Builder b = m.graph().toBuilder()
                .initializer("y/scale", Tensor.ofFloats(new long[0], 0.05f))
                .initializer("y/zero_point", Tensor.allocate(DType.UINT8))
                .initializer("w4/int8", codes(new Random(4), 8, 8, 1, 1)).initializer("w4/scales", scales(8))
                .addNode(Node.builder("QuantizeLinear").name("qy").inputs("y", "y/scale", "y/zero_point").outputs("yq").build())
                .addNode(Node.builder("DequantizeLinear").name("dqy").inputs("yq", "y/scale", "y/zero_point").outputs("yd").build())
                .addNode(Node.builder("DequantizeLinear").name("dqw4").inputs("w4/int8", "w4/scales")
                        .outputs("w4d").attr(Attribute.of("axis", 0L)).build())
                .addNode(Node.builder("Conv").name("c4").inputs("yd", "w4d").outputs("v").build());
        Graph g0 = b.build();
        Graph g = optimized(new Model(8, "test", "", withOutputs(g0, "v", "z"), Map.of()), 2, 0, SEVEN_BIT_UNSIGNED);
        Node c2 = g.nodes().stream().filter(n -> n.name().startsWith("c2")).findFirst().orElseThrow();
        assertEquals("x/quantized", c2.inputs().get(FusedOpSpec.QC_RESIDUAL), "x's codes");
        assertEquals("x/scale", c2.inputs().get(FusedOpSpec.QC_Z_SCALE));
        assertEquals("yq", c2.outputs().getFirst(), "the block's output stays in integers");
        assertFalse(ops(g).containsKey("DequantizeLinear"), ops(g).toString());
        Graph inFloat = optimized(new Model(8, "test", "", withOutputs(g0, "v", "z"), Map.of()), 2, 0, null);
        Tensor x = random(new Random(5), 1, 8, 7, 7);
        Map<String, Value> want = run(inFloat, x), got = run(g, x);
        Tensor w = (Tensor) want.get("v"), v = (Tensor) got.get("v");
        for (long i = 0; i < w.size(); i++) assertEquals(w.getDouble(i), v.getDouble(i), 1e-4, "v[" + i + "]");
    }

    private static Graph withOutputs(Graph g, String... names) {
        java.util.List<ValueInfo> outs = new java.util.ArrayList<>();
        for (String n : names) outs.add(new ValueInfo(n, null));
        return g.toBuilder().outputs(outs).build();
    }

    private static Tensor codes(Random r, long... shape) {
        Tensor t = Tensor.allocate(DType.INT8, shape);
        for (long i = 0; i < t.size(); i++) t.setLong(i, r.nextInt(127) - 63);
        return t;
    }

    private static Tensor scales(int n) {
        Tensor t = Tensor.allocate(DType.FLOAT32, n);
        for (int i = 0; i < n; i++) t.setFloat(i, 0.01f + 0.001f * i);
        return t;
    }

    /** ONNX's default zero point (uint8 0) made explicit under a name that takes nothing of the graph's. */
    @Test
    void anOmittedZeroPointBecomesANewUint8Zero() {
        Graph g = Graph.builder("z").opset("", 21).addInput(f32("in", 1, 8, 5, 5))
                .initializer("s", Tensor.ofFloats(new long[0], 0.02f))
                .addInput(f32("q/zero_point", 1))
                .initializer("w", codes(new java.util.Random(2), 8, 8, 1, 1)).initializer("ws", scales(8))
                .addNode(Node.builder("Relu").name("relu").inputs("in").outputs("r").build())
                .addNode(Node.builder("QuantizeLinear").name("qx").inputs("r", "s").outputs("q").build())
                .addNode(Node.builder("DequantizeLinear").name("dqx").inputs("q", "s").outputs("xd").build())
                .addNode(Node.builder("DequantizeLinear").name("dqw").inputs("w", "ws").outputs("wd")
                        .attr(Attribute.of("axis", 0L)).build())
                .addNode(Node.builder("Conv").name("c").inputs("xd", "wd").outputs("y").build())
                .addNode(Node.builder("Abs").name("keep").inputs("q/zero_point").outputs("k").build())
                .addOutput(new ValueInfo("y", null)).addOutput(new ValueInfo("k", null)).build();
        Graph opt = optimized(new Model(8, "test", "", g, Map.of()), 2, 0, SEVEN_BIT_UNSIGNED);
        Node c = only(opt, FusedOpSpec.QUANTIZED_CONV);
        String zero = c.inputs().get(FusedOpSpec.QC_X_ZERO);
        assertFalse(zero.equals("q/zero_point"), zero);
        assertEquals(DType.UINT8, opt.initializers().get(zero).dtype());
        assertEquals(0, opt.initializers().get(zero).getLong(0));
        assertFalse(opt.initializers().containsKey("q/zero_point"), "the graph input keeps its name");
    }

    @Test
    void aSharedRequantizationIsNotAbsorbed() {
        // h's QuantizeLinear is read by c2 and c3's DequantizeLinear: c1 can absorb it only when it is c1's only reader
        Model m = quantized(8, SEVEN_BIT_UNSIGNED);
        Graph.Builder b = m.graph().toBuilder();
        // a second reader of c1's float output: the Relu'd h is now also a graph output
        b.addOutput(new ValueInfo("h", null));
        Graph opt = optimized(new Model(8, "test", "", b.build(), Map.of()), 2, 0, SEVEN_BIT_UNSIGNED);
        Node c1 = opt.nodes().stream().filter(n -> n.name().startsWith("c1")).findFirst().orElseThrow();
        assertEquals("h", c1.outputs().getFirst(), "c1 writes float h, which the graph returns");
        assertEquals(1, opt.nodes().stream().filter(n -> n.opType().equals("QuantizeLinear")
                && n.inputs().getFirst().equals("h")).count());
    }
}
