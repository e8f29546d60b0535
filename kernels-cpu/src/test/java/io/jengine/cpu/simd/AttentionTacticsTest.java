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

class AttentionTacticsTest {
    private static final long[] Q = {2, 3, 5, 8}, KT = {2, 3, 8, 11}, V = {2, 3, 11, 6};

    private static Graph graph(long[] mask, boolean nanValue) {
        Node.Builder n = Node.builder("ScaledDotProductAttention").domain("jengine").name("sdpa")
                .inputs(mask == null ? new String[] {"q", "k", "v"} : new String[] {"q", "k", "v", "mask"}).outputs("y")
                .attr(Attribute.of("q_scale", 0.6f)).attr(Attribute.of("k_scale", 0.6f));
        if (nanValue) n.attr(Attribute.of("nan_value", 0f));
        Graph.Builder g = Graph.builder("attention").opset("", 17).opset("jengine", 1).addNode(n.build())
                .addInput(new ValueInfo("q", ValueType.tensor(DType.FLOAT32, Q)))
                .addInput(new ValueInfo("k", ValueType.tensor(DType.FLOAT32, KT)))
                .addInput(new ValueInfo("v", ValueType.tensor(DType.FLOAT32, V)))
                .addOutput(new ValueInfo("y", null));
        if (mask != null) g.addInput(new ValueInfo("mask", ValueType.tensor(DType.FLOAT32, mask)));
        return g.build();
    }

    /**
     * Each output is a sum over the 11 keys of p * v (sum p = 1, |v| <= 1), and each score a sum over depth 8 of
     * q * k * 0.36 plus a mask value (|score| <= 2.9 + 3), whose error moves p relatively by as much: (11 + 8) terms
     * of magnitude max|v| * (1 + max|score|) bound both.
     */
    private static final Tolerance TOL = Tolerance.float32Sum(11 + 8, 1 + 5.9);

    @Test
    void matchesTheReferenceWithAndWithoutAMask() {
        SplittableRandom rnd = new SplittableRandom(13);
        Map<String, Tensor> feeds = new HashMap<>(Map.of("q", TacticRuns.floats(rnd, 1, Q),
                "k", TacticRuns.floats(rnd, 1, KT), "v", TacticRuns.floats(rnd, 1, V)));
        TacticRuns.assertLikeReference(graph(null, false), feeds, Map.of("sdpa", "attention.rows"), TOL);
        feeds.put("mask", TacticRuns.floats(rnd, 3, 5, 11));
        TacticRuns.assertLikeReference(graph(new long[] {5, 11}, false), feeds, Map.of("sdpa", "attention.rows"), TOL);
        feeds.put("mask", TacticRuns.floats(rnd, 3, 2, 1, 1, 11));
        TacticRuns.assertLikeReference(graph(new long[] {2, 1, 1, 11}, false), feeds, Map.of("sdpa", "attention.rows"), TOL);
    }

    @Test
    void fullyMaskedRowsBecomeNanOrTheNanValue() {
        SplittableRandom rnd = new SplittableRandom(14);
        Tensor mask = TacticRuns.floats(rnd, 3, 5, 11);
        for (int j = 0; j < 11; j++) mask.setFloat(2 * 11 + j, Float.NEGATIVE_INFINITY);
        Map<String, Tensor> feeds = Map.of("q", TacticRuns.floats(rnd, 1, Q), "k", TacticRuns.floats(rnd, 1, KT),
                "v", TacticRuns.floats(rnd, 1, V), "mask", mask);
        TacticRuns.assertLikeReference(graph(new long[] {5, 11}, false), feeds, Map.of("sdpa", "attention.rows"), TOL);
        TacticRuns.assertLikeReference(graph(new long[] {5, 11}, true), feeds, Map.of("sdpa", "attention.rows"), TOL);
    }
}
