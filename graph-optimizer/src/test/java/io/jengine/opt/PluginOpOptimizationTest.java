package io.jengine.opt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jengine.infer.ShapeInference;
import io.jengine.ir.Graph;
import io.jengine.ir.Model;
import io.jengine.ir.Node;
import io.jengine.ir.ValueInfo;
import io.jengine.plugin.PluginException;
import io.jengine.runtime.Backends;
import io.jengine.runtime.Engine;
import io.jengine.spi.OpDefinition;
import io.jengine.spi.ValueKernel;
import io.jengine.tensor.DType;
import io.jengine.tensor.Tensor;
import io.jengine.tensor.Value;
import io.jengine.tensor.ValueType;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Ops defined by a plugin go through the optimizer like ONNX's: their inference rule types their outputs, and a node
 * on constant inputs folds when the op allows it, not otherwise.
 */
class PluginOpOptimizationTest {
    /** {@code test.ops::Twice(X) = 2 X}, output typed as its input. */
    static OpDefinition twice(boolean foldable) {
        return new OpDefinition("test.ops", "Twice", 1, ctx -> Arrays.asList(ctx.type(0)),
                node -> (ValueKernel) (c, in) -> {
                    Tensor x = (Tensor) in[0];
                    Tensor y = Tensor.allocate(x.dtype(), x.shape());
                    for (long i = 0; i < x.size(); i++) y.setDouble(i, 2 * x.getDouble(i));
                    return new Value[] {y};
                }, foldable);
    }

    /** y = Relu(Twice(c)) + x, with c a constant. */
    static Graph graph() {
        return Graph.builder("g").opset("", 17).opset("test.ops", 1)
                .addNode(Node.builder("Twice").domain("test.ops").name("twice").inputs("c").outputs("t").build())
                .addNode(Node.builder("Add").name("add").inputs("t", "x").outputs("y").build())
                .initializer("c", Tensor.ofFloats(new long[] {3}, 1, -2, 3))
                .addInput(new ValueInfo("x", ValueType.tensor(DType.FLOAT32, 3)))
                .addOutput(new ValueInfo("y", ValueType.tensor(DType.FLOAT32, 3))).build();
    }

    static Graph optimize(Backends b) {
        return GraphOptimizer.optimize(graph(), OptimizerOptions.level(1).withBackends(b), new OptimizationReport());
    }

    @Test
    void aFoldableOpFoldsWithItsReferenceKernel() {
        Backends with = Backends.of(Backends.discover().only(List.of("cpu-reference")).ordered(), List.of(twice(true)));
        Graph g = optimize(with);
        assertTrue(g.nodes().stream().noneMatch(n -> n.opType().equals("Twice")), g.nodes().toString());
        try (Engine e = Engine.of(new Model(8, "t", "", g, Map.of()), with)) {
            Tensor y = (Tensor) e.run(Map.of("x", Tensor.ofFloats(new long[] {3}, 1, 1, 1))).get("y");
            assertEquals(List.of(3f, -3f, 7f), List.of(y.getFloat(0), y.getFloat(1), y.getFloat(2)));
        }
    }

    @Test
    void anOpThatMayNotFoldStaysAndItsOutputIsTyped() {
        Backends with = Backends.of(Backends.discover().only(List.of("cpu-reference")).ordered(), List.of(twice(false)));
        Graph g = optimize(with);
        assertTrue(g.nodes().stream().anyMatch(n -> n.opType().equals("Twice")), g.nodes().toString());
        Graph typed = ShapeInference.infer(g, with.inference());
        assertEquals(ValueType.tensor(DType.FLOAT32, 3), typed.typeOf("t"));
        assertEquals(null, ShapeInference.infer(graph()).typeOf("t"), "the standard rules alone know nothing of the op");
    }

    @Test
    void pluginOpsStayOutOfReservedDomainsAndAreDefinedOnce() {
        var e = assertThrows(IllegalArgumentException.class, () -> new OpDefinition("", "Relu", 1,
                ctx -> List.of(), node -> null, true));
        assertTrue(e.getMessage().contains("a domain of its own"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new OpDefinition("jengine", "FusedConv", 1,
                ctx -> List.of(), node -> (ValueKernel) (c, in) -> in, true));
        var twiceTwice = assertThrows(PluginException.class, () -> Backends.of(List.of(), List.of(twice(true), twice(false))));
        assertTrue(twiceTwice.getMessage().contains("test.ops::Twice (since version 1) is defined twice"), twiceTwice.getMessage());
    }
}
