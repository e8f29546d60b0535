package io.jengine.opt.passes;

import static io.jengine.opt.passes.PassTesting.assertEquivalent;
import static io.jengine.opt.passes.PassTesting.f32;
import static io.jengine.opt.passes.PassTesting.ops;
import static io.jengine.opt.passes.PassTesting.random;
import static io.jengine.opt.passes.PassTesting.run;
import static io.jengine.opt.passes.PassTesting.runAll;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.jengine.ir.Attribute;
import io.jengine.ir.Graph;
import io.jengine.ir.Node;
import io.jengine.ir.ValueInfo;
import io.jengine.tensor.ValueType;
import io.jengine.tensor.DType;
import io.jengine.tensor.Tensor;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Level-2 passes: BatchNorm folding and the fusions, each checked structurally and numerically. */
class FusionPassesTest {
    private final Random rnd = new Random(42);

    /** x[1,3,6,6] -> Conv(4 filters 3x3, pad 1) named "conv" producing "c". */
    private Graph.Builder conv() {
        return Graph.builder("g").opset("", 17).addInput(f32("x", 1, 3, 6, 6))
                .initializer("w", random(rnd, DType.FLOAT32, 4, 3, 3, 3))
                .initializer("b", random(rnd, DType.FLOAT32, 4))
                .addNode(Node.builder("Conv").name("conv").inputs("x", "w", "b").outputs("c")
                        .attr(Attribute.of("pads", new long[] {1, 1, 1, 1})).build());
    }

    private Graph.Builder withBatchNorm(Graph.Builder b, String in, String out) {
        Tensor var = random(rnd, DType.FLOAT32, 4);
        for (long i = 0; i < 4; i++) var.setDouble(i, Math.abs(var.getDouble(i)) + 0.1);
        return b.initializer("scale", random(rnd, DType.FLOAT32, 4)).initializer("beta", random(rnd, DType.FLOAT32, 4))
                .initializer("mean", random(rnd, DType.FLOAT32, 4)).initializer("var", var)
                .addNode(Node.builder("BatchNormalization").name("bn").inputs(in, "scale", "beta", "mean", "var").outputs(out).build());
    }

    @Test
    void batchNormFoldsIntoConv() {
        Graph g = withBatchNorm(conv(), "c", "y").addOutput(f32("y", 1, 4, 6, 6)).build();
        Graph after = run(new BatchNormFolding(), g);
        assertEquals(Map.of("Conv", 1), ops(after));
        assertEquals("conv + bn", after.nodes().getFirst().name());
        assertEquivalent(g, after, 11);
    }

    /** Weights [inC, outC/group, k, k]: output channel (g, j) is scaled, across both groups. */
    @Test
    void batchNormFoldsIntoAGroupedConvTranspose() {
        Graph g = withBatchNorm(Graph.builder("g").opset("", 17).addInput(f32("x", 1, 4, 5, 5))
                .initializer("w", random(rnd, DType.FLOAT32, 4, 2, 3, 3))
                .addNode(Node.builder("ConvTranspose").name("up").inputs("x", "w").outputs("c")
                        .attr(Attribute.of("group", 2L)).attr(Attribute.of("strides", new long[] {2, 2})).build()),
                "c", "y").addOutput(f32("y", 1, 4, 11, 11)).build();
        Graph after = run(new BatchNormFolding(), g);
        assertEquals(Map.of("ConvTranspose", 1), ops(after));
        assertEquivalent(g, after, 11);
    }

    /** Double weights take the element-by-element path of the same folding. */
    @Test
    void batchNormFoldsIntoADoubleConv() {
        Tensor var = random(rnd, DType.FLOAT64, 4);
        for (long i = 0; i < 4; i++) var.setDouble(i, Math.abs(var.getDouble(i)) + 0.1);
        Graph g = Graph.builder("g").opset("", 17).addInput(new ValueInfo("x", ValueType.tensor(DType.FLOAT64, new long[] {1, 3, 6, 6})))
                .initializer("w", random(rnd, DType.FLOAT64, 4, 3, 3, 3))
                .addNode(Node.builder("Conv").name("conv").inputs("x", "w").outputs("c")
                        .attr(Attribute.of("pads", new long[] {1, 1, 1, 1})).build())
                .initializer("scale", random(rnd, DType.FLOAT64, 4)).initializer("beta", random(rnd, DType.FLOAT64, 4))
                .initializer("mean", random(rnd, DType.FLOAT64, 4)).initializer("var", var)
                .addNode(Node.builder("BatchNormalization").name("bn").inputs("c", "scale", "beta", "mean", "var")
                        .outputs("y").build())
                .addOutput(new ValueInfo("y", ValueType.tensor(DType.FLOAT64, new long[] {1, 4, 6, 6}))).build();
        Graph after = run(new BatchNormFolding(), g);
        assertEquals(Map.of("Conv", 1), ops(after));
        assertEquivalent(g, after, 11);
    }

    @Test
    void batchNormFoldsIntoGemm() {
        Graph g = withBatchNorm(Graph.builder("g").opset("", 17).addInput(f32("x", 2, 5))
                .initializer("w", random(rnd, DType.FLOAT32, 4, 5)).initializer("c", random(rnd, DType.FLOAT32, 4))
                .addNode(Node.builder("Gemm").name("fc").inputs("x", "w", "c").outputs("h")
                        .attr(Attribute.of("transB", 1L)).attr(Attribute.of("beta", 0.5f)).build()), "h", "y")
                .addOutput(f32("y", 2, 4)).build();
        Graph after = run(new BatchNormFolding(), g);
        assertEquals(Map.of("Gemm", 1), ops(after));
        assertEquivalent(g, after, 12);
    }

    @Test
    void batchNormFoldsIntoTwoDimensionalMatMul() {
        Graph g = withBatchNorm(Graph.builder("g").opset("", 17).addInput(f32("x", 3, 5))
                .initializer("w", random(rnd, DType.FLOAT32, 5, 4))
                .addNode(Node.builder("MatMul").name("mm").inputs("x", "w").outputs("h").build()), "h", "y")
                .addOutput(f32("y", 3, 4)).build();
        Graph after = run(new BatchNormFolding(), g);
        assertEquals(Map.of("jengine.FusedMatMul", 1), ops(after));
        assertEquals("mm + bn", after.nodes().getFirst().name());
        assertEquivalent(g, after, 18);
    }

    @Test
    void loneBatchNormBecomesScaleAndShift() {
        Graph g = withBatchNorm(Graph.builder("g").opset("", 17).addInput(f32("x", 1, 4, 3, 3)), "x", "y")
                .addOutput(f32("y", 1, 4, 3, 3)).build();
        Graph after = run(new LoneBatchNormToScaleBias(), g);
        assertEquals(Map.of("Add", 1, "Mul", 1), ops(after));
        assertEquivalent(g, after, 13);
    }

    @Test
    void reluAndClipFuseIntoConv() {
        for (String act : new String[] {"Relu", "Clip"}) {
            Graph.Builder b = conv();
            Node.Builder a = Node.builder(act).name("act").inputs("c").outputs("y");
            if (act.equals("Clip")) {
                b.initializer("lo", Tensor.ofFloats(new long[0], 0)).initializer("hi", Tensor.ofFloats(new long[0], 0.3f));
                a.inputs("c", "lo", "hi");
            }
            Graph g = b.addNode(a.build()).addOutput(f32("y", 1, 4, 6, 6)).build();
            Graph after = run(new FuseActivation(), g);
            assertEquals(Map.of("jengine.FusedConv", 1), ops(after), act);
            assertEquals("conv + act", after.nodes().getFirst().name());
            assertEquals(act, after.nodes().getFirst().attrString("activation", ""));
            assertEquivalent(g, after, 14);
        }
    }

    @Test
    void siluFusesButAGateDoesNot() {
        // SiLU: c * Sigmoid(c).
        Graph silu = conv().addNode(Node.builder("Sigmoid").name("sig").inputs("c").outputs("s").build())
                .addNode(Node.builder("Mul").name("mul").inputs("c", "s").outputs("y").build())
                .addOutput(f32("y", 1, 4, 6, 6)).build();
        Graph after = run(new FuseActivation(), silu);
        assertEquals(Map.of("jengine.FusedConv", 1), ops(after));
        assertEquals("SiLU", after.nodes().getFirst().attrString("activation", ""));
        assertEquals("conv + sig + mul", after.nodes().getFirst().name());
        assertEquivalent(silu, after, 15);

        // Squeeze-excite gate: x_other * Sigmoid(conv(...)); only the Sigmoid joins the conv.
        Graph gate = conv().addInput(f32("other", 1, 4, 6, 6))
                .addNode(Node.builder("Sigmoid").name("sig").inputs("c").outputs("s").build())
                .addNode(Node.builder("Mul").name("mul").inputs("other", "s").outputs("y").build())
                .addOutput(f32("y", 1, 4, 6, 6)).build();
        Graph gated = run(new FuseActivation(), gate);
        assertEquals(Map.of("Mul", 1, "jengine.FusedConv", 1), ops(gated));
        assertEquals("Sigmoid", gated.nodes().getFirst().attrString("activation", ""));
        assertEquivalent(gate, gated, 16);
    }

    @Test
    void residualAddAndReluJoinTheConv() {
        Graph g = conv().addInput(f32("skip", 1, 4, 6, 6))
                .addNode(Node.builder("Add").name("add").inputs("c", "skip").outputs("s").build())
                .addNode(Node.builder("Relu").name("relu").inputs("s").outputs("y").build())
                .addOutput(f32("y", 1, 4, 6, 6)).build();
        Graph after = runAll(g, new FuseResidualAdd(), new FuseActivation());
        assertEquals(Map.of("jengine.FusedConv", 1), ops(after));
        Node fused = after.nodes().getFirst();
        assertEquals("conv + add + relu", fused.name());
        assertEquals("skip", fused.inputs().get(3));
        assertEquals("Relu", fused.attrString("activation", ""));
        assertEquivalent(g, after, 17);
    }
}
