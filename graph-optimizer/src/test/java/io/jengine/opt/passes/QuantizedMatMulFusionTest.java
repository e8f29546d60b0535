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
import io.jengine.runtime.Engine;
import io.jengine.spi.IntegerConvolution;
import io.jengine.tensor.DType;
import io.jengine.tensor.Tensor;
import io.jengine.tensor.Value;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Quantized matrix products as integer layers: which QDQ patterns fuse for which integer kernels, that constant folding
 * keeps their int8 B, and that the fused graph computes what the QDQ graph does in float.
 */
class QuantizedMatMulFusionTest {
    private static final IntegerConvolution SEVEN_BIT_UNSIGNED = new IntegerConvolution(false, 63);
    private static final IntegerConvolution VNNI = new IntegerConvolution(true, 127);
    private static final int K = 16, N = 12;

    /** What a case varies: A's codes, B's range and scales, and whether the output is requantized. */
    private record Case(DType aType, int maxB, boolean perColumn, boolean requantized) {}

    /**
     * in [2, 3, K] → Relu → QuantizeLinear → DequantizeLinear → MatMul (← DequantizeLinear of int8 B [K, N]) → Add bias
     * → Relu → y, requantized (QuantizeLinear → DequantizeLinear) when the case says so.
     */
    private static Model model(Case c) {
        Random r = new Random(3);
        Tensor b = Tensor.allocate(DType.INT8, K, N);
        for (long i = 0; i < b.size(); i++) b.setLong(i, r.nextInt(2 * c.maxB() + 1) - c.maxB());
        b.setLong(0, c.maxB());
        Tensor bs = c.perColumn() ? Tensor.allocate(DType.FLOAT32, N) : Tensor.ofFloats(new long[0], 0.01f);
        for (long i = 0; c.perColumn() && i < N; i++) bs.setFloat(i, 0.005f + 0.001f * i);
        Tensor bias = Tensor.allocate(DType.FLOAT32, N);
        for (long i = 0; i < N; i++) bias.setDouble(i, r.nextDouble() - 0.5);
        boolean unsigned = c.aType() == DType.UINT8;
        Graph.Builder g = Graph.builder("qm").opset("", 21).addInput(f32("in", 2, 3, K))
                .initializer("as", Tensor.ofFloats(new long[0], 0.02f))
                .initializer("az", Tensor.fromLongs(c.aType(), new long[0], new long[] {unsigned ? 128 : 0}))
                .initializer("b", b).initializer("bs", bs).initializer("bias", bias)
                .addNode(Node.builder("Relu").name("relu0").inputs("in").outputs("r").build())
                .addNode(Node.builder("QuantizeLinear").name("qa").inputs("r", "as", "az").outputs("aq").build())
                .addNode(Node.builder("DequantizeLinear").name("dqa").inputs("aq", "as", "az").outputs("ad").build())
                .addNode(Node.builder("DequantizeLinear").name("dqb").inputs("b", "bs").outputs("bd")
                        .attr(Attribute.of("axis", 1L)).build())
                .addNode(Node.builder("MatMul").name("mm").inputs("ad", "bd").outputs("m").build())
                .addNode(Node.builder("Add").name("add").inputs("m", "bias").outputs("mb").build());
        if (c.requantized()) {
            g.initializer("ys", Tensor.ofFloats(new long[0], 0.03f))
                    .initializer("yz", Tensor.fromLongs(DType.UINT8, new long[0], new long[] {3}))
                    .addNode(Node.builder("Relu").name("relu1").inputs("mb").outputs("h").build())
                    .addNode(Node.builder("QuantizeLinear").name("qy").inputs("h", "ys", "yz").outputs("yq").build())
                    .addNode(Node.builder("DequantizeLinear").name("dqy").inputs("yq", "ys", "yz").outputs("y").build());
        } else {
            g.addNode(Node.builder("Relu").name("relu1").inputs("mb").outputs("y").build());
        }
        return new Model(8, "test", "", g.addOutput(new ValueInfo("y", null)).build(), Map.of());
    }

    private static Graph optimized(Model m, IntegerConvolution target) {
        OptimizerOptions o = new OptimizerOptions(2, Set.of(), true, 0, ChannelsLast.NEVER, target, null);
        return GraphOptimizer.optimize(m, o, new OptimizationReport()).graph();
    }

    private static Tensor run(Graph g) {
        Random r = new Random(5);
        Tensor x = Tensor.allocate(DType.FLOAT32, 2, 3, K);
        for (long i = 0; i < x.size(); i++) x.setFloat(i, (float) (r.nextGaussian() * 1.5));
        try (Engine e = Engine.of(new Model(8, "test", "", g, Map.of()))) {
            Map<String, Value> out = e.run(Map.of("in", x));
            return (Tensor) out.get("y");
        }
    }

    /** The integer graph's output against the QDQ graph's computed in float: {@code tolerance} of the magnitude. */
    private static void assertSameResults(Graph integer, Graph inFloat, double tolerance) {
        Tensor want = run(inFloat), got = run(integer);
        double maxAbs = 0;
        for (long i = 0; i < want.size(); i++) maxAbs = Math.max(maxAbs, Math.abs(want.getDouble(i)));
        for (long i = 0; i < want.size(); i++) {
            assertEquals(want.getDouble(i), got.getDouble(i), tolerance * Math.max(1, maxAbs), "y[" + i + "]");
        }
    }

    private static Node only(Graph g) {
        return g.nodes().stream().filter(n -> FusedOpSpec.is(n, FusedOpSpec.QUANTIZED_MATMUL)).findFirst().orElseThrow();
    }

    @Test
    void aProductOfDequantizedCodesBecomesAnIntegerLayer() {
        Model m = model(new Case(DType.UINT8, 63, true, false));
        Graph g = optimized(m, SEVEN_BIT_UNSIGNED);
        assertEquals(Map.of("Relu", 1, "QuantizeLinear", 1, "jengine.QuantizedMatMul", 1), ops(g), g.nodes().toString());
        Node q = only(g);
        assertEquals("Relu", q.attrString(FusedOpSpec.ACTIVATION, ""));
        assertEquals("bias", q.inputs().get(FusedOpSpec.QM_BIAS));
        assertEquals(DType.INT8, g.initializers().get(q.inputs().get(FusedOpSpec.QM_B)).dtype());
        assertEquals(FusedOpSpec.QM_BIAS + 1, q.inputs().size(), "a float output");
        assertSameResults(g, optimized(m, null), 1e-5);
    }

    @Test
    void aRequantizationThatIsItsOnlyReaderJoinsIt() {
        Model m = model(new Case(DType.UINT8, 63, false, true));
        Graph g = optimized(m, SEVEN_BIT_UNSIGNED);
        assertEquals(Map.of("Relu", 1, "QuantizeLinear", 1, "DequantizeLinear", 1, "jengine.QuantizedMatMul", 1), ops(g),
                g.nodes().toString());
        Node q = only(g);
        assertEquals("yq", q.outputs().getFirst());
        assertEquals("ys", q.inputs().get(FusedOpSpec.QM_Y_SCALE));
        // exact integer sums against the float graph's rounded ones: at most one step of y's scale apart
        assertSameResults(g, optimized(m, null), 0.03 + 1e-6);
    }

    /**
     * A fully connected layer as Gemm: transB's [N, K] codes scaled per row (axis 0), C one value with beta 0.5; B's
     * codes become [K, N] and beta * C a bias per column.
     */
    @Test
    void aGemmWithTransposedWeightsIsTheSameProduct() {
        Random r = new Random(8);
        Tensor b = Tensor.allocate(DType.INT8, N, K);
        for (long i = 0; i < b.size(); i++) b.setLong(i, r.nextInt(127) - 63);
        Tensor bs = Tensor.allocate(DType.FLOAT32, N);
        for (long i = 0; i < N; i++) bs.setFloat(i, 0.004f + 0.001f * i);
        Graph g = Graph.builder("fc").opset("", 21).addInput(f32("in", 6, K))
                .initializer("as", Tensor.ofFloats(new long[0], 0.02f))
                .initializer("az", Tensor.fromLongs(DType.UINT8, new long[0], new long[] {128}))
                .initializer("b", b).initializer("bs", bs).initializer("c", Tensor.ofFloats(new long[0], 0.3f))
                .addNode(Node.builder("Relu").name("relu0").inputs("in").outputs("r").build())
                .addNode(Node.builder("QuantizeLinear").name("qa").inputs("r", "as", "az").outputs("aq").build())
                .addNode(Node.builder("DequantizeLinear").name("dqa").inputs("aq", "as", "az").outputs("ad").build())
                .addNode(Node.builder("DequantizeLinear").name("dqb").inputs("b", "bs").outputs("bd")
                        .attr(Attribute.of("axis", 0L)).build())
                .addNode(Node.builder("Gemm").name("fc").inputs("ad", "bd", "c").outputs("y")
                        .attr(Attribute.of("transB", 1L)).attr(Attribute.of("beta", 0.5f)).build())
                .addOutput(new ValueInfo("y", null)).build();
        Model m = new Model(8, "test", "", g, Map.of());
        Graph fused = optimized(m, SEVEN_BIT_UNSIGNED);
        assertEquals(Map.of("Relu", 1, "QuantizeLinear", 1, "jengine.QuantizedMatMul", 1), ops(fused),
                fused.nodes().toString());
        Node q = only(fused);
        Tensor codes = fused.initializers().get(q.inputs().get(FusedOpSpec.QM_B));
        assertEquals(java.util.List.of((long) K, (long) N), java.util.Arrays.stream(codes.shape()).boxed().toList());
        assertEquals(b.getLong(2 * K + 5), codes.getLong(5 * N + 2), "B transposed");
        Tensor bias = fused.initializers().get(q.inputs().get(FusedOpSpec.QM_BIAS));
        assertEquals(N, bias.size());
        assertEquals(0.15f, bias.getFloat(N - 1), 1e-7f);
        Random x = new Random(5);
        Tensor in = Tensor.allocate(DType.FLOAT32, 6, K);
        for (long i = 0; i < in.size(); i++) in.setFloat(i, (float) (x.nextGaussian() * 1.5));
        Tensor want, got;
        try (Engine e = Engine.of(new Model(8, "test", "", optimized(m, null), Map.of()))) {
            want = (Tensor) e.run(Map.of("in", in)).get("y");
        }
        try (Engine e = Engine.of(new Model(8, "test", "", fused, Map.of()))) {
            got = (Tensor) e.run(Map.of("in", in)).get("y");
        }
        double maxAbs = 0;
        for (long i = 0; i < want.size(); i++) maxAbs = Math.max(maxAbs, Math.abs(want.getDouble(i)));
        for (long i = 0; i < want.size(); i++) {
            assertEquals(want.getDouble(i), got.getDouble(i), 1e-5 * Math.max(1, maxAbs), "y[" + i + "]");
        }
    }

    @Test
    void onlyWhatTheIntegerKernelsComputeExactlyFuses() {
        // 8-bit B, or int8 A, without VNNI: B folds to float weights as any constant does
        for (Case c : new Case[] {new Case(DType.UINT8, 100, true, false), new Case(DType.INT8, 63, true, false)}) {
            Model m = model(c);
            Graph g = optimized(m, SEVEN_BIT_UNSIGNED);
            assertFalse(ops(g).containsKey("jengine.QuantizedMatMul"), c + ": " + ops(g));
            assertFalse(g.nodes().stream().anyMatch(n -> n.name().equals("dqb")), "B folded to float: " + ops(g));
            assertEquals(ops(optimized(m, null)), ops(g));
            // with VNNI the same model runs as integers
            Graph vnni = optimized(m, VNNI);
            assertTrue(ops(vnni).containsKey("jengine.QuantizedMatMul"), c + ": " + ops(vnni));
            assertSameResults(vnni, optimized(m, null), 1e-5);
        }
    }
}
