package io.jengine.opt.passes;

import static io.jengine.opt.passes.PassTesting.assertEquivalent;
import static io.jengine.opt.passes.PassTesting.f32;
import static io.jengine.opt.passes.PassTesting.ops;
import static io.jengine.opt.passes.PassTesting.random;
import static io.jengine.opt.passes.PassTesting.run;
import static io.jengine.opt.passes.PassTesting.runAll;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.jengine.ir.Graph;
import io.jengine.ir.Node;
import io.jengine.tensor.DType;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Constant bias Adds join the MatMul, Gemm or Conv before them, and the activation after follows. */
class BiasAddFusionTest {
    private final Random rnd = new Random(9);

    @Test
    void matMulBiasAndGeluBecomeOneFusedMatMul() {
        Graph g = Graph.builder("g").opset("", 20).addInput(f32("x", 2, 3, 8))
                .initializer("w", random(rnd, DType.FLOAT32, 8, 16)).initializer("b", random(rnd, DType.FLOAT32, 16))
                .addNode(Node.builder("MatMul").name("dense").inputs("x", "w").outputs("h").build())
                .addNode(Node.builder("Add").name("bias").inputs("b", "h").outputs("hb").build())
                .addNode(Node.builder("Gelu").name("act").inputs("hb").outputs("y").build())
                .addOutput(f32("y", 2, 3, 16)).build();
        Graph after = runAll(g, new FuseBiasAdd(), new FuseActivation());
        assertEquals(Map.of("jengine.FusedMatMul", 1), ops(after));
        Node fused = after.nodes().getFirst();
        assertEquals("dense + bias + act", fused.name());
        assertEquals("Gelu", fused.attrString("activation", ""));
        assertEquivalent(g, after, 41);
    }

    @Test
    void convWithoutBiasTakesAPerChannelAdd() {
        Graph g = Graph.builder("g").opset("", 17).addInput(f32("x", 1, 2, 5, 5))
                .initializer("w", random(rnd, DType.FLOAT32, 3, 2, 3, 3)).initializer("b", random(rnd, DType.FLOAT32, 1, 3, 1, 1))
                .addNode(Node.builder("Conv").name("conv").inputs("x", "w").outputs("c").build())
                .addNode(Node.builder("Add").name("bias").inputs("c", "b").outputs("y").build())
                .addOutput(f32("y", 1, 3, 3, 3)).build();
        Graph after = run(new FuseBiasAdd(), g);
        assertEquals(Map.of("Conv", 1), ops(after));
        assertEquals(3, after.nodes().getFirst().inputs().size());
        assertEquivalent(g, after, 42);
    }
}
