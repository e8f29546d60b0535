package io.jengine.opt.passes;

import static io.jengine.opt.passes.PassTesting.assertEquivalent;
import static io.jengine.opt.passes.PassTesting.f32;
import static io.jengine.opt.passes.PassTesting.ops;
import static io.jengine.opt.passes.PassTesting.run;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.jengine.ir.Graph;
import io.jengine.ir.Node;
import io.jengine.tensor.Tensor;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Elementwise neighbours merge into one chain; a broadcast intermediate stops the merge. */
class ElementwiseChainFusionTest {
    @Test
    void hardSwishWrittenOutBecomesOneChain() {
        // x * Clip(x + 3, 0, 6) / 6, as PaddlePaddle exports hard-swish.
        Graph g = Graph.builder("g").opset("", 17).addInput(f32("x", 2, 3, 4))
                .initializer("three", Tensor.ofFloats(new long[0], 3)).initializer("six", Tensor.ofFloats(new long[0], 6))
                .initializer("zero", Tensor.ofFloats(new long[0], 0))
                .addNode(Node.builder("Add").name("a").inputs("x", "three").outputs("t1").build())
                .addNode(Node.builder("Clip").name("c").inputs("t1", "zero", "six").outputs("t2").build())
                .addNode(Node.builder("Mul").name("m").inputs("x", "t2").outputs("t3").build())
                .addNode(Node.builder("Div").name("d").inputs("t3", "six").outputs("y").build())
                .addOutput(f32("y", 2, 3, 4)).build();
        Graph after = run(new ElementwiseChainFusion(), g);
        assertEquals(Map.of("jengine.ElementwiseChain", 1), ops(after));
        Node chain = after.nodes().getFirst();
        assertEquals("a + c + m + d", chain.name());
        assertEquals(List.of("Add", "Clip", "Mul", "Div"), chain.attrStrings("ops", List.of()));
        assertEquivalent(g, after, 51);
    }

    @Test
    void broadcastIntermediateIsNotMerged() {
        Graph g = Graph.builder("g").opset("", 17).addInput(f32("x", 2, 3)).addInput(f32("s", 1, 3))
                .addNode(Node.builder("Relu").name("r").inputs("s").outputs("rs").build())
                .addNode(Node.builder("Mul").name("m").inputs("x", "rs").outputs("y").build())
                .addOutput(f32("y", 2, 3)).build();
        Graph after = run(new ElementwiseChainFusion(), g);
        assertEquals(Map.of("Mul", 1, "Relu", 1), ops(after));
        assertEquivalent(g, after, 52);
    }
}
