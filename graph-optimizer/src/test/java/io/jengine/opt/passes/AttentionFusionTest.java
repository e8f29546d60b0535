package io.jengine.opt.passes;

import static io.jengine.opt.passes.PassTesting.assertEquivalent;
import static io.jengine.opt.passes.PassTesting.f32;
import static io.jengine.opt.passes.PassTesting.ops;
import static io.jengine.opt.passes.PassTesting.run;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.jengine.ir.Graph;
import io.jengine.ir.Node;
import io.jengine.tensor.Tensor;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The attention block as bert_l4_h256 spells it becomes one fused node that computes the same values. */
class AttentionFusionTest {
    @Test
    void bertStyleBlockFuses() {
        float scale = (float) Math.pow(64, -0.25);
        Tensor mask = Tensor.allocate(io.jengine.tensor.DType.FLOAT32, 1, 1, 5, 5);
        for (long i = 0; i < 25; i++) mask.setDouble(i, (i % 5) == 4 ? -1e4 : 0); // last key masked out
        Graph g = Graph.builder("g").opset("", 17)
                .addInput(f32("q", 1, 2, 5, 8)).addInput(f32("kT", 1, 2, 8, 5)).addInput(f32("v", 1, 2, 5, 8))
                .initializer("s", Tensor.ofFloats(new long[0], scale)).initializer("mask", mask)
                .initializer("zero", Tensor.ofFloats(new long[0], 0))
                .addNode(Node.builder("Mul").name("mq").inputs("q", "s").outputs("qs").build())
                .addNode(Node.builder("Mul").name("mk").inputs("kT", "s").outputs("ks").build())
                .addNode(Node.builder("MatMul").name("qk").inputs("qs", "ks").outputs("scores").build())
                .addNode(Node.builder("Add").name("masked").inputs("scores", "mask").outputs("sm_in").build())
                .addNode(Node.builder("Softmax").name("softmax").inputs("sm_in").outputs("p").build())
                .addNode(Node.builder("IsNaN").name("isnan").inputs("p").outputs("nan").build())
                .addNode(Node.builder("Where").name("guard").inputs("nan", "zero", "p").outputs("pg").build())
                .addNode(Node.builder("MatMul").name("pv").inputs("pg", "v").outputs("y").build())
                .addOutput(f32("y", 1, 2, 5, 8)).build();
        Graph after = run(new AttentionFusion(), g);
        assertEquals(Map.of("jengine.ScaledDotProductAttention", 1), ops(after));
        Node a = after.nodes().getFirst();
        assertEquals("mq + mk + qk + masked + softmax + isnan + guard + pv", a.name());
        assertEquals(java.util.List.of("q", "kT", "v", "mask"), a.inputs());
        assertEquivalent(g, after, 31);
    }

    @Test
    void softmaxReadElsewhereBlocksFusion() {
        Graph g = Graph.builder("g").opset("", 17)
                .addInput(f32("q", 1, 4, 8)).addInput(f32("kT", 1, 8, 4)).addInput(f32("v", 1, 4, 8))
                .addNode(Node.builder("MatMul").name("qk").inputs("q", "kT").outputs("scores").build())
                .addNode(Node.builder("Softmax").name("softmax").inputs("scores").outputs("p").build())
                .addNode(Node.builder("MatMul").name("pv").inputs("p", "v").outputs("y").build())
                .addOutput(f32("y", 1, 4, 8)).addOutput(f32("p", 1, 4, 4)).build();
        assertEquals(Map.of("MatMul", 2, "Softmax", 1), ops(run(new AttentionFusion(), g)));
    }
}
