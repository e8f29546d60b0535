package io.jengine.cpu.simd;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jengine.ir.Graph;
import io.jengine.ir.Node;
import io.jengine.ir.ValueInfo;
import io.jengine.runtime.Engine;
import io.jengine.tensor.DType;
import io.jengine.tensor.Tensor;
import io.jengine.tensor.ValueType;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class BinaryTacticsTest {
    private static Graph binary(String op, long[] a, long[] b) {
        return Graph.builder("binary").opset("", 17)
                .addNode(Node.builder(op).name("op").inputs("a", "b").outputs("y").build())
                .addInput(new ValueInfo("a", ValueType.tensor(DType.FLOAT32, a)))
                .addInput(new ValueInfo("b", ValueType.tensor(DType.FLOAT32, b)))
                .addOutput(new ValueInfo("y", null))
                .build();
    }

    @ParameterizedTest
    @ValueSource(strings = {"Add", "Sub", "Mul", "Div", "Max", "Min", "Pow"})
    void matchesTheReferenceUnderBroadcasting(String op) {
        SplittableRandom rnd = new SplittableRandom(op.hashCode());
        long[][][] cases = {
            {{2, 3, 37}, {2, 3, 37}},   // same shapes, odd run
            {{2, 3, 37}, {37}},         // a row broadcast down
            {{2, 1, 37}, {3, 1}},       // both sides broadcast
            {{1}, {4, 19}},             // a scalar first
            {{5, 1, 1}, {5, 7, 9}},     // a per-channel value repeated along the run
            {{3, 20000}, {1, 20000}},   // long runs, cut into several tasks
            {{2, 3, 5, 7, 8}, {2, 3, 1, 1, 8}},   // a per-channel vector of blocked activations: periodic
            {{1, 3, 1, 1, 16}, {2, 3, 9, 9, 16}}, // the periodic operand first, two vectors a period
            {{4, 1, 3}, {4, 5, 3}},     // a period shorter than a vector
            {{2, 700, 8}, {1, 1, 8}},   // runs of several tasks, periodic
            {{1, 2, 1, 8}, {3, 1, 6, 1}}, // periodic against a repeated element
        };
        for (long[][] c : cases) {
            Tensor a = TacticRuns.withSpecials(TacticRuns.floats(rnd, 3, c[0]));
            Tensor b = TacticRuns.withSpecials(TacticRuns.floats(rnd, 3, c[1]));
            TacticRuns.assertLikeReference(binary(op, c[0], c[1]), Map.of("a", a, "b", b),
                    Map.of("op", "binary." + op.toLowerCase()), null);
        }
    }

    /**
     * y = Sub(w, Relu(Add(x, w)) * z): every intermediate is written over the one before it, in the arena, including
     * Sub's, which reuses its second input's buffer.
     */
    private static Graph inPlaceChain() {
        return Graph.builder("chain").opset("", 17)
                .addNode(Node.builder("Add").name("add").inputs("x", "w").outputs("a").build())
                .addNode(Node.builder("Relu").name("relu").inputs("a").outputs("b").build())
                .addNode(Node.builder("Mul").name("mul").inputs("b", "z").outputs("c").build())
                .addNode(Node.builder("Sub").name("sub").inputs("w", "c").outputs("d").build())
                .addNode(Node.builder("Sigmoid").name("sig").inputs("d").outputs("y").build())
                .addInput(new ValueInfo("x", ValueType.tensor(DType.FLOAT32, 4, 33)))
                .addInput(new ValueInfo("w", ValueType.tensor(DType.FLOAT32, 33)))
                .addInput(new ValueInfo("z", ValueType.tensor(DType.FLOAT32, 4, 33)))
                .addOutput(new ValueInfo("y", null))
                .build();
    }

    @Test
    void chainsOfIntermediatesRunInPlaceInOneBuffer() {
        SplittableRandom rnd = new SplittableRandom(7);
        Map<String, Tensor> feeds = Map.of("x", TacticRuns.withSpecials(TacticRuns.floats(rnd, 2, 4, 33)),
                "w", TacticRuns.floats(rnd, 2, 33), "z", TacticRuns.floats(rnd, 2, 4, 33));
        TacticRuns.assertLikeReference(inPlaceChain(), feeds, Map.of("add", "binary.add", "relu", "unary.relu",
                "mul", "binary.mul", "sub", "binary.sub", "sig", "unary.sigmoid"), null);
        try (Engine e = Engine.of(TacticRuns.model(inPlaceChain()))) {
            Engine.MemoryReport r = e.memoryReport();
            assertTrue(r.placedValues() == 4, "a, b, c and d are placed: " + r);
            assertTrue(r.arenaBytes() < 2 * 4 * 4 * 33, "a, b, c and d share one buffer: " + r);
        }
    }

    @Test
    void variadicMaxIsLeftToTheReference() {
        Graph g = Graph.builder("max3").opset("", 17)
                .addNode(Node.builder("Max").name("op").inputs("a", "a", "a").outputs("y").build())
                .addInput(new ValueInfo("a", ValueType.tensor(DType.FLOAT32, 3)))
                .addOutput(new ValueInfo("y", null))
                .build();
        TacticRuns.assertLeftToReference(g, "op");
    }
}
