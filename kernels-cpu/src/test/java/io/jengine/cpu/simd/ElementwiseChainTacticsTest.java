package io.jengine.cpu.simd;

import io.jengine.ir.Attribute;
import io.jengine.ir.Graph;
import io.jengine.ir.Node;
import io.jengine.ir.ValueInfo;
import io.jengine.tensor.DType;
import io.jengine.tensor.Tensor;
import io.jengine.tensor.ValueType;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ElementwiseChainTacticsTest {
    /**
     * t = x + b; u = LeakyRelu(t); v = u * s; w = Clip(v); y = Gelu(w) - x, on x [2, 5, 19], b [19], s [2, 1, 1]:
     * broadcasts on both sides, unary and binary steps, a step reading an input again, and parameters.
     */
    private static Node chain(String name, String x, String out) {
        return Node.builder("ElementwiseChain").domain("jengine").name(name).inputs(x, "b", "s").outputs(out)
                .attr(Attribute.ofStrings("ops", List.of("Add", "LeakyRelu", "Mul", "Clip", "Gelu", "Sub")))
                .attr(Attribute.of("args", new long[] {0, 1, -1, 0, -2, 2, -3, 0, -4, 0, -5, 0}))
                .attr(Attribute.of("params", new float[] {0, 0, 0.2f, 0, 0, 0, -0.75f, 1.5f, 0, 0, 0, 0}))
                .build();
    }

    private static Graph graph(boolean twice) {
        Graph.Builder g = Graph.builder("chain").opset("", 17).opset("jengine", 1)
                .addInput(new ValueInfo("x", ValueType.tensor(DType.FLOAT32, 2, 5, 19)))
                .addInput(new ValueInfo("b", ValueType.tensor(DType.FLOAT32, 19)))
                .addInput(new ValueInfo("s", ValueType.tensor(DType.FLOAT32, 2, 1, 1)))
                .addOutput(new ValueInfo("y", null));
        if (!twice) return g.addNode(chain("c1", "x", "y")).build();
        // The second chain's first input is the first chain's output, read by nobody after it: computed in place.
        return g.addNode(chain("c1", "x", "m")).addNode(chain("c2", "m", "y")).build();
    }

    @Test
    void matchesTheReferenceAlsoInPlace() {
        SplittableRandom rnd = new SplittableRandom(11);
        Map<String, Tensor> feeds = Map.of("x", TacticRuns.withSpecials(TacticRuns.floats(rnd, 2, 2, 5, 19)),
                "b", TacticRuns.floats(rnd, 2, 19), "s", TacticRuns.floats(rnd, 2, 2, 1, 1));
        TacticRuns.assertLikeReference(graph(false), feeds, Map.of("c1", "elementwise-chain"), null);
        TacticRuns.assertLikeReference(graph(true), feeds, Map.of("c1", "elementwise-chain", "c2", "elementwise-chain"),
                null);
    }

    /** Channel-blocked activations with a per-channel vector (periodic along the run) and a per-block value. */
    @Test
    void periodicOperandsOfBlockedActivationsMatchTheReference() {
        SplittableRandom rnd = new SplittableRandom(12);
        Graph g = Graph.builder("chain").opset("", 17).opset("jengine", 1)
                .addInput(new ValueInfo("x", ValueType.tensor(DType.FLOAT32, 2, 3, 11, 13, 8)))
                .addInput(new ValueInfo("b", ValueType.tensor(DType.FLOAT32, 1, 3, 1, 1, 8)))
                .addInput(new ValueInfo("s", ValueType.tensor(DType.FLOAT32, 2, 3, 1, 1, 1)))
                .addOutput(new ValueInfo("y", null)).addNode(chain("c1", "x", "y")).build();
        Map<String, Tensor> feeds = Map.of("x", TacticRuns.withSpecials(TacticRuns.floats(rnd, 2, 2, 3, 11, 13, 8)),
                "b", TacticRuns.floats(rnd, 2, 1, 3, 1, 1, 8), "s", TacticRuns.floats(rnd, 2, 2, 3, 1, 1, 1));
        TacticRuns.assertLikeReference(g, feeds, Map.of("c1", "elementwise-chain"), null);
    }
}
