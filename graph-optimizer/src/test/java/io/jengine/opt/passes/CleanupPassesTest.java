package io.jengine.opt.passes;

import static io.jengine.opt.passes.PassTesting.assertEquivalent;
import static io.jengine.opt.passes.PassTesting.f32;
import static io.jengine.opt.passes.PassTesting.ops;
import static io.jengine.opt.passes.PassTesting.run;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.jengine.ir.Attribute;
import io.jengine.ir.Graph;
import io.jengine.ir.Node;
import io.jengine.tensor.Tensor;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Level-1 passes: for each, the expected graph after the pass and numerical equivalence before/after. */
class CleanupPassesTest {
    static Graph.Builder base() { return Graph.builder("g").opset("", 17).addInput(f32("x", 2, 3)); }

    @Test
    void deadNodesGo() {
        Graph g = base().addNode(Node.builder("Relu").name("r").inputs("x").outputs("y").build())
                .addNode(Node.builder("Sigmoid").name("unused").inputs("x").outputs("s").build())
                .addNode(Node.builder("Neg").name("unused2").inputs("s").outputs("t").build())
                .addOutput(f32("y", 2, 3)).build();
        Graph after = run(new DeadNodeElimination(), g);
        assertEquals(Map.of("Relu", 1), ops(after));
        assertEquivalent(g, after, 1);
    }

    @Test
    void identityAndInferenceDropoutAreBypassedKeepingOutputNames() {
        Graph g = base().addNode(Node.builder("Identity").name("i1").inputs("x").outputs("a").build())
                .addNode(Node.builder("Relu").name("r").inputs("a").outputs("b").build())
                .addNode(Node.builder("Dropout").name("d").inputs("b").outputs("c").build())
                .addNode(Node.builder("Identity").name("i2").inputs("c").outputs("y").build())
                .addOutput(f32("y", 2, 3)).build();
        Graph after = run(new IdentityElimination(), g);
        assertEquals(Map.of("Relu", 1), ops(after));
        assertEquals("y", after.nodes().getFirst().outputs().getFirst(), "the Relu now writes the graph output");
        assertEquivalent(g, after, 2);
    }

    @Test
    void noOpsGoAndRealReshapesStay() {
        Graph g = base().initializer("same", Tensor.ofLongs(new long[] {2}, 2, 3))
                .initializer("flat", Tensor.ofLongs(new long[] {1}, 6))
                .addNode(Node.builder("Cast").name("c").inputs("x").outputs("a").attr(Attribute.of("to", 1L)).build())
                .addNode(Node.builder("Reshape").name("same").inputs("a", "same").outputs("b").build())
                .addNode(Node.builder("Transpose").name("t").inputs("b").outputs("c").attr(Attribute.of("perm", new long[] {0, 1})).build())
                .addNode(Node.builder("Reshape").name("real").inputs("c", "flat").outputs("y").build())
                .addOutput(f32("y", 6)).build();
        Graph after = run(new NoOpElimination(), g);
        assertEquals(Map.of("Reshape", 1), ops(after));
        assertEquals("real", after.nodes().getFirst().name());
        assertEquivalent(g, after, 3);
    }

    @Test
    void constantsFoldButLargeResultsAreLeft() {
        Graph g = base().initializer("a", Tensor.ofFloats(new long[] {3}, 1, 2, 3))
                .addNode(Node.builder("Constant").name("k").outputs("b")
                        .attr(Attribute.of("value", Tensor.ofFloats(new long[] {3}, 10, 20, 30))).build())
                .addNode(Node.builder("Add").name("sum").inputs("a", "b").outputs("ab").build())
                .addNode(Node.builder("Mul").name("use").inputs("x", "ab").outputs("y").build())
                .initializer("big", Tensor.ofLongs(new long[] {2}, 1000, 1000))
                .addNode(Node.builder("ConstantOfShape").name("huge").inputs("big").outputs("h").build())
                .addNode(Node.builder("ReduceSum").name("rs").inputs("h").outputs("hs").attr(Attribute.of("keepdims", 0L)).build())
                .addOutput(f32("y", 2, 3)).addOutput(f32("hs")).build();
        Graph after = run(new ConstantFolding(), g);
        assertEquals(Map.of("ConstantOfShape", 1, "Mul", 1, "ReduceSum", 1), ops(after));
        Tensor folded = after.initializers().get("ab");
        assertEquals(java.util.List.of(11.0, 22.0, 33.0), java.util.Arrays.stream(folded.toDoubleArray()).boxed().toList());
        assertEquivalent(g, after, 4);
    }

    @Test
    void shapeArithmeticFoldsToAConstantReshapeTarget() {
        // Shape -> Gather(0) -> Unsqueeze -> Concat(-1) -> Reshape, as exporters write "x.view(x.size(0), -1)".
        Graph g = Graph.builder("g").opset("", 17).addInput(f32("x", 2, 3, 4))
                .initializer("zero", Tensor.ofLongs(new long[0], 0))
                .initializer("axes", Tensor.ofLongs(new long[] {1}, 0))
                .initializer("minus1", Tensor.ofLongs(new long[] {1}, -1))
                .addNode(Node.builder("Shape").name("shape").inputs("x").outputs("s").build())
                .addNode(Node.builder("Gather").name("g0").inputs("s", "zero").outputs("n").build())
                .addNode(Node.builder("Unsqueeze").name("u").inputs("n", "axes").outputs("n1").build())
                .addNode(Node.builder("Concat").name("cat").inputs("n1", "minus1").outputs("target")
                        .attr(Attribute.of("axis", 0L)).build())
                .addNode(Node.builder("Reshape").name("view").inputs("x", "target").outputs("y").build())
                .addOutput(f32("y", 2, 12)).build();
        Graph after = PassTesting.runAll(g, new ShapeFolding(), new ConstantFolding());
        assertEquals(Map.of("Reshape", 1), ops(after));
        assertEquals(java.util.List.of(2L, -1L), java.util.Arrays.stream(after.initializers().get("target").toLongArray()).boxed().toList());
        assertEquivalent(g, after, 5);
    }

    @Test
    void commonSubexpressionsMerge() {
        Graph g = base().addNode(Node.builder("Relu").name("r1").inputs("x").outputs("a").build())
                .addNode(Node.builder("Relu").name("r2").inputs("x").outputs("b").build())
                .addNode(Node.builder("Add").name("sum").inputs("a", "b").outputs("y").build())
                .addOutput(f32("y", 2, 3)).build();
        Graph after = run(new CommonSubexpressionElimination(), g);
        assertEquals(Map.of("Add", 1, "Relu", 1), ops(after));
        Node add = after.nodes().get(1);
        assertEquals(add.inputs().get(0), add.inputs().get(1));
        assertEquivalent(g, after, 6);
    }

    @Test
    void transposesCancelAndReshapesMerge() {
        Graph g = base().initializer("s1", Tensor.ofLongs(new long[] {1}, 6)).initializer("s2", Tensor.ofLongs(new long[] {2}, 3, 2))
                .addNode(Node.builder("Transpose").name("t1").inputs("x").outputs("a").attr(Attribute.of("perm", new long[] {1, 0})).build())
                .addNode(Node.builder("Transpose").name("t2").inputs("a").outputs("b").attr(Attribute.of("perm", new long[] {1, 0})).build())
                .addNode(Node.builder("Reshape").name("r1").inputs("b", "s1").outputs("c").build())
                .addNode(Node.builder("Reshape").name("r2").inputs("c", "s2").outputs("y").build())
                .addOutput(f32("y", 3, 2)).build();
        Graph after = run(new TransposeReshapeMerging(), g);
        assertEquals(Map.of("Reshape", 1), ops(after));
        assertEquals("x", after.nodes().getFirst().inputs().getFirst());
        assertEquivalent(g, after, 7);
    }
}
