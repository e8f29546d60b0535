package io.jengine.cpu.simd;

import io.jengine.ir.Attribute;
import io.jengine.ir.Graph;
import io.jengine.ir.Node;
import io.jengine.ir.ValueInfo;
import io.jengine.tensor.DType;
import io.jengine.tensor.Tensor;
import io.jengine.tensor.ValueType;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class UnaryTacticsTest {
    private static Graph unary(String domain, String op, int opset, long[] shape, Attribute... attrs) {
        Node.Builder n = Node.builder(op).domain(domain).name("op").inputs("x").outputs("y");
        for (Attribute a : attrs) n.attr(a);
        Graph.Builder g = Graph.builder("unary").opset("", opset).addNode(n.build())
                .addInput(new ValueInfo("x", ValueType.tensor(DType.FLOAT32, shape))).addOutput(new ValueInfo("y", null));
        if (!domain.isEmpty()) g.opset(domain, 1);
        return g.build();
    }

    static Stream<Arguments> ops() {
        return Stream.of(
                Arguments.of("", "Relu", 17, "unary.relu", new Attribute[0]),
                Arguments.of("", "Sigmoid", 17, "unary.sigmoid", new Attribute[0]),
                Arguments.of("", "Tanh", 17, "unary.tanh", new Attribute[0]),
                Arguments.of("", "LeakyRelu", 17, "unary.leaky-relu", new Attribute[] {Attribute.of("alpha", 0.3f)}),
                Arguments.of("", "HardSigmoid", 17, "unary.hard-sigmoid",
                        new Attribute[] {Attribute.of("alpha", 0.3f), Attribute.of("beta", 0.4f)}),
                Arguments.of("", "HardSwish", 17, "unary.hard-swish", new Attribute[0]),
                Arguments.of("", "Clip", 6, "unary.clip",
                        new Attribute[] {Attribute.of("min", -0.5f), Attribute.of("max", 1.25f)}),
                Arguments.of("", "Exp", 17, "unary.exp", new Attribute[0]),
                Arguments.of("", "Log", 17, "unary.log", new Attribute[0]),
                Arguments.of("", "Neg", 17, "unary.neg", new Attribute[0]),
                Arguments.of("", "Abs", 17, "unary.abs", new Attribute[0]),
                Arguments.of("", "Sqrt", 17, "unary.sqrt", new Attribute[0]),
                Arguments.of("", "Reciprocal", 17, "unary.reciprocal", new Attribute[0]),
                Arguments.of("", "Erf", 17, "unary.erf", new Attribute[0]),
                Arguments.of("", "Softplus", 17, "unary.softplus", new Attribute[0]),
                Arguments.of("", "Gelu", 20, "unary.gelu", new Attribute[0]),
                Arguments.of("", "Gelu", 20, "unary.gelu-tanh", new Attribute[] {Attribute.of("approximate", "tanh")}),
                Arguments.of("jengine", "Gelu", 17, "unary.gelu", new Attribute[0]));
    }

    @ParameterizedTest(name = "{0}.{1} opset {2}")
    @MethodSource("ops")
    void matchesTheReferenceOnOddShapesAndSpecialValues(String domain, String op, int opset, String tactic,
                                                         Attribute[] attrs) {
        SplittableRandom rnd = new SplittableRandom(op.hashCode());
        // An odd size (a partial last vector), and one large enough to be cut into several tasks.
        for (long[] shape : new long[][] {{3, 37}, {3, 40001}}) {
            Tensor x = TacticRuns.withSpecials(TacticRuns.floats(rnd, 3, shape));
            TacticRuns.assertLikeReference(unary(domain, op, opset, shape, attrs), Map.of("x", x), Map.of("op", tactic), null);
        }
    }

    private static Graph clip(boolean constantMin, boolean withMin) {
        Graph.Builder g = Graph.builder("clip").opset("", 13)
                .addNode(Node.builder("Clip").name("op").inputs("x", withMin ? "lo" : "", "hi").outputs("y").build())
                .addInput(new ValueInfo("x", ValueType.tensor(DType.FLOAT32, 2, 29)))
                .addOutput(new ValueInfo("y", null))
                .initializer("hi", Tensor.ofFloats(new long[0], 0.75f));
        if (constantMin) g.initializer("lo", Tensor.ofFloats(new long[0], -0.25f));
        else g.addInput(new ValueInfo("lo", ValueType.tensor(DType.FLOAT32)));
        return g.build();
    }

    @Test
    void clipTakesConstantBoundInputsAndLeavesComputedOnesToTheReference() {
        Tensor x = TacticRuns.withSpecials(TacticRuns.floats(new SplittableRandom(3), 2, 2, 29));
        TacticRuns.assertLikeReference(clip(true, true), Map.of("x", x), Map.of("op", "unary.clip"), null);
        TacticRuns.assertLikeReference(clip(true, false), Map.of("x", x), Map.of("op", "unary.clip"), null);
        TacticRuns.assertLeftToReference(clip(false, true), "op");
    }
}
