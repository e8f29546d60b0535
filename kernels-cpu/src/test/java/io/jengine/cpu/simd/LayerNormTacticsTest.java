package io.jengine.cpu.simd;

import io.jengine.ir.Attribute;
import io.jengine.ir.Graph;
import io.jengine.ir.Node;
import io.jengine.ir.ValueInfo;
import io.jengine.tensor.DType;
import io.jengine.tensor.Tensor;
import io.jengine.tensor.ValueType;
import io.jengine.verify.Tolerance;
import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class LayerNormTacticsTest {
    private static final long[] X = {3, 4, 21};

    /**
     * LayerNormalization after an Add (so its input is an intermediate it may overwrite), at {@code axis}, scale and
     * bias given as constants or graph inputs of the shapes given, with the Mean and InvStdDev outputs.
     */
    private static Graph graph(String domain, long axis, long[] scaleShape, long[] biasShape, boolean constants,
                               SplittableRandom rnd) {
        Graph.Builder g = Graph.builder("ln").opset("", domain.isEmpty() ? 17 : 13)
                .addNode(Node.builder("Add").name("add").inputs("x", "x").outputs("a").build())
                .addNode(Node.builder("LayerNormalization").domain(domain).name("ln").inputs("a", "scale", "bias")
                        .outputs("y", "mean", "inv").attr(Attribute.of("axis", axis)).attr(Attribute.of("epsilon", 1e-3f))
                        .build())
                .addInput(new ValueInfo("x", ValueType.tensor(DType.FLOAT32, X)))
                .addOutput(new ValueInfo("y", null))
                .addOutput(new ValueInfo("mean", null))
                .addOutput(new ValueInfo("inv", null));
        if (!domain.isEmpty()) g.opset(domain, 1);
        if (constants) {
            g.initializer("scale", TacticRuns.floats(rnd, 2, scaleShape));
            g.initializer("bias", TacticRuns.floats(rnd, 2, biasShape));
        } else {
            g.addInput(new ValueInfo("scale", ValueType.tensor(DType.FLOAT32, scaleShape)));
            g.addInput(new ValueInfo("bias", ValueType.tensor(DType.FLOAT32, biasShape)));
        }
        return g.build();
    }

    /**
     * The mean is a float32 sum of the row: off by up to (n + 2) u sum|x|; the output scales that by invStd and the
     * scale: max|x| = 4, |scale| <= 2, and invStd <= 2 for rows of 21 or more values spread over [-4, 4].
     */
    private static Tolerance tolerance(long rowSize) {
        return Tolerance.float32Sum(rowSize, 4 * 2 * 2);
    }

    @Test
    void matchesTheReferenceWithConstantScaleAndBias() {
        SplittableRandom rnd = new SplittableRandom(5);
        Map<String, Tensor> feeds = Map.of("x", TacticRuns.withSpecials(TacticRuns.floats(rnd, 2, X)));
        TacticRuns.assertLikeReference(graph("", -1, new long[] {21}, new long[] {21}, true, rnd), feeds,
                Map.of("ln", "layer-norm"), tolerance(21));
        // Over the last two dims, scale broadcast along one of them (expanded when prepared), bias along the other.
        TacticRuns.assertLikeReference(graph("", 1, new long[] {1, 21}, new long[] {4, 1}, true, rnd), feeds,
                Map.of("ln", "layer-norm"), tolerance(84));
        TacticRuns.assertLikeReference(graph("jengine", -1, new long[] {21}, new long[] {1}, true, rnd), feeds,
                Map.of("ln", "layer-norm"), tolerance(21));
    }

    @Test
    void readsScaleAndBiasInputsOfTheNormalizedSizeAndLeavesBroadcastOnesToTheReference() {
        SplittableRandom rnd = new SplittableRandom(6);
        Map<String, Tensor> feeds = new HashMap<>(Map.of("x", TacticRuns.floats(rnd, 2, X),
                "scale", TacticRuns.floats(rnd, 2, 4, 21), "bias", TacticRuns.floats(rnd, 2, 4, 21)));
        TacticRuns.assertLikeReference(graph("", 1, new long[] {4, 21}, new long[] {4, 21}, false, rnd), feeds,
                Map.of("ln", "layer-norm"), tolerance(84));
        TacticRuns.assertLeftToReference(graph("", 1, new long[] {1, 21}, new long[] {4, 21}, false, rnd), "ln");
    }
}
