package io.jengine.opt.passes;

import static io.jengine.opt.passes.PassTesting.assertEquivalent;
import static io.jengine.opt.passes.PassTesting.f32;
import static io.jengine.opt.passes.PassTesting.ops;
import static io.jengine.opt.passes.PassTesting.random;
import static io.jengine.opt.passes.PassTesting.run;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.jengine.ir.Attribute;
import io.jengine.ir.Graph;
import io.jengine.ir.Node;
import io.jengine.tensor.DType;
import io.jengine.tensor.Tensor;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Decomposed Gelu and LayerNormalization, as exporters write them, become single ops. */
class RecognitionPassesTest {
    private static Tensor scalar(float v) { return Tensor.ofFloats(new long[0], v); }

    @Test
    void erfGeluBecomesOneNode() {
        Graph g = Graph.builder("g").opset("", 17).addInput(f32("x", 2, 8))
                .initializer("sqrt2", scalar(1.4142135f)).initializer("one", scalar(1f)).initializer("half", scalar(0.5f))
                .addNode(Node.builder("Div").name("div").inputs("x", "sqrt2").outputs("a").build())
                .addNode(Node.builder("Erf").name("erf").inputs("a").outputs("b").build())
                .addNode(Node.builder("Add").name("add").inputs("b", "one").outputs("c").build())
                .addNode(Node.builder("Mul").name("mul").inputs("x", "c").outputs("d").build())
                .addNode(Node.builder("Mul").name("half").inputs("d", "half").outputs("y").build())
                .addOutput(f32("y", 2, 8)).build();
        Graph after = run(new GeluRecognition(), g);
        assertEquals(Map.of("jengine.Gelu", 1), ops(after), "opset 17 predates ONNX Gelu");
        assertEquals("div + erf + add + mul + half", after.nodes().getFirst().name());
        assertEquivalent(g, after, 21);

        Graph g20 = g.toBuilder().opset("", 20).build();
        assertEquals(Map.of("Gelu", 1), ops(run(new GeluRecognition(), g20)));
    }

    @Test
    void decomposedLayerNormBecomesOneNode() {
        Random rnd = new Random(3);
        Graph g = Graph.builder("g").opset("", 17).addInput(f32("x", 2, 3, 8))
                .initializer("two", scalar(2f)).initializer("eps", scalar(1e-5f))
                .initializer("gamma", random(rnd, DType.FLOAT32, 8)).initializer("beta", random(rnd, DType.FLOAT32, 8))
                .addNode(Node.builder("ReduceMean").name("mean").inputs("x").outputs("m").attr(Attribute.of("axes", new long[] {-1})).build())
                .addNode(Node.builder("Sub").name("sub").inputs("x", "m").outputs("d").build())
                .addNode(Node.builder("Pow").name("pow").inputs("d", "two").outputs("p").build())
                .addNode(Node.builder("ReduceMean").name("var").inputs("p").outputs("v").attr(Attribute.of("axes", new long[] {-1})).build())
                .addNode(Node.builder("Add").name("addeps").inputs("v", "eps").outputs("ve").build())
                .addNode(Node.builder("Sqrt").name("sqrt").inputs("ve").outputs("s").build())
                .addNode(Node.builder("Div").name("div").inputs("d", "s").outputs("n").build())
                .addNode(Node.builder("Mul").name("gamma").inputs("n", "gamma").outputs("gn").build())
                .addNode(Node.builder("Add").name("beta").inputs("gn", "beta").outputs("y").build())
                .addOutput(f32("y", 2, 3, 8)).build();
        Graph after = run(new LayerNormRecognition(), g);
        assertEquals(Map.of("LayerNormalization", 1), ops(after));
        Node ln = after.nodes().getFirst();
        assertEquals("mean + beta", ln.name());
        assertEquals(-1L, ln.attrInt("axis", 0));
        assertEquals(java.util.List.of("x", "gamma", "beta"), ln.inputs());
        assertEquivalent(g, after, 22);
    }
}
