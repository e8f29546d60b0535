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
import org.junit.jupiter.api.Test;

/** Transpose, Slice, Concat and Gather against the reference, over several element sizes. */
class DataMovementTacticsTest {
    private static Tensor ints(DType t, SplittableRandom rnd, long... shape) {
        Tensor x = Tensor.allocate(t, shape);
        for (long i = 0; i < x.size(); i++) x.setLong(i, t == DType.BOOL ? rnd.nextInt(2) : rnd.nextInt(1, 120));
        return x;
    }

    private static Graph oneNode(Node n, int opset, Map<String, ValueType> inputs, Map<String, Tensor> constants) {
        Graph.Builder g = Graph.builder("move").opset("", opset).addNode(n).addOutput(new ValueInfo("y", null));
        inputs.forEach((name, type) -> g.addInput(new ValueInfo(name, type)));
        constants.forEach(g::initializer);
        return g.build();
    }

    @Test
    void transposeOfEveryElementSize() {
        SplittableRandom rnd = new SplittableRandom(21);
        long[] s = {2, 3, 5, 7};
        for (DType t : new DType[] {DType.FLOAT32, DType.INT64, DType.UINT8, DType.BOOL, DType.FLOAT16}) {
            Tensor x = t == DType.FLOAT32 ? TacticRuns.floats(rnd, 1, s) : ints(t, rnd, s);
            for (long[] perm : new long[][] {{0, 2, 3, 1}, {3, 2, 1, 0}, {1, 0, 2, 3}, {0, 1, 3, 2}}) {
                Node n = Node.builder("Transpose").name("op").inputs("x").outputs("y").attr(Attribute.of("perm", perm)).build();
                TacticRuns.assertLikeReference(oneNode(n, 17, Map.of("x", ValueType.tensor(t, s)), Map.of()),
                        Map.of("x", x), Map.of("op", "transpose"), null);
            }
            Node reversed = Node.builder("Transpose").name("op").inputs("x").outputs("y").build();
            TacticRuns.assertLikeReference(oneNode(reversed, 17, Map.of("x", ValueType.tensor(t, s)), Map.of()),
                    Map.of("x", x), Map.of("op", "transpose"), null);
        }
    }

    private static Map<String, Tensor> sliceInputs(long[] starts, long[] ends, long[] axes, long[] steps) {
        return Map.of("starts", Tensor.ofLongs(new long[] {starts.length}, starts),
                "ends", Tensor.ofLongs(new long[] {ends.length}, ends),
                "axes", Tensor.ofLongs(new long[] {axes.length}, axes),
                "steps", Tensor.ofLongs(new long[] {steps.length}, steps));
    }

    @Test
    void sliceWithConstantBoundsAndAttributes() {
        SplittableRandom rnd = new SplittableRandom(22);
        long[] s = {4, 9, 13};
        Tensor x = TacticRuns.floats(rnd, 1, s);
        Node n = Node.builder("Slice").name("op").inputs("x", "starts", "ends", "axes", "steps").outputs("y").build();
        Map<String, ValueType> in = Map.of("x", ValueType.tensor(DType.FLOAT32, s));
        long[][][] cases = {
            {{1, 2}, {3, 11}, {0, 2}, {1, 1}},                  // a block: bulk rows
            {{-1, 0}, {-100, 9}, {2, 1}, {-2, 3}},              // backward along the last axis, strided along another
            {{0}, {Long.MAX_VALUE}, {-2}, {4}},                 // clamped end, strided middle axis
        };
        for (long[][] c : cases) {
            TacticRuns.assertLikeReference(oneNode(n, 13, in, sliceInputs(c[0], c[1], c[2], c[3])), Map.of("x", x),
                    Map.of("op", "slice"), null);
        }
        Node old = Node.builder("Slice").name("op").inputs("x").outputs("y").attr(Attribute.of("starts", new long[] {1, -5}))
                .attr(Attribute.of("ends", new long[] {3, 1000})).attr(Attribute.of("axes", new long[] {1, 2})).build();
        TacticRuns.assertLikeReference(oneNode(old, 9, in, Map.of()), Map.of("x", x), Map.of("op", "slice"), null);
        // Bounds computed at run time are the reference's.
        Graph computed = Graph.builder("slice").opset("", 13).addNode(n)
                .addInput(new ValueInfo("x", ValueType.tensor(DType.FLOAT32, s)))
                .addInput(new ValueInfo("starts", ValueType.tensor(DType.INT64, 1)))
                .addOutput(new ValueInfo("y", null))
                .initializer("ends", Tensor.ofLongs(new long[] {1}, 3)).initializer("axes", Tensor.ofLongs(new long[] {1}, 0))
                .initializer("steps", Tensor.ofLongs(new long[] {1}, 1)).build();
        TacticRuns.assertLeftToReference(computed, "op");
    }

    @Test
    void concatAlongEachAxis() {
        SplittableRandom rnd = new SplittableRandom(23);
        for (DType t : new DType[] {DType.FLOAT32, DType.INT32, DType.INT8}) {
            for (long axis : new long[] {0, 1, -1}) {
                long[][] shapes = new long[3][];
                for (int i = 0; i < 3; i++) {
                    shapes[i] = new long[] {3, 5, 7};
                    shapes[i][(int) (axis < 0 ? axis + 3 : axis)] = 2 + i;
                }
                Node n = Node.builder("Concat").name("op").inputs("a", "b", "c").outputs("y").attr(Attribute.of("axis", axis)).build();
                Map<String, Tensor> feeds = Map.of(
                        "a", t == DType.FLOAT32 ? TacticRuns.floats(rnd, 1, shapes[0]) : ints(t, rnd, shapes[0]),
                        "b", t == DType.FLOAT32 ? TacticRuns.floats(rnd, 1, shapes[1]) : ints(t, rnd, shapes[1]),
                        "c", t == DType.FLOAT32 ? TacticRuns.floats(rnd, 1, shapes[2]) : ints(t, rnd, shapes[2]));
                Graph g = oneNode(n, 13, Map.of("a", ValueType.tensor(t, shapes[0]), "b", ValueType.tensor(t, shapes[1]),
                        "c", ValueType.tensor(t, shapes[2])), Map.of());
                TacticRuns.assertLikeReference(g, feeds, Map.of("op", "concat"), null);
            }
        }
    }

    @Test
    void gatherRowsWithConstantAndComputedIndices() {
        SplittableRandom rnd = new SplittableRandom(24);
        long[] table = {10, 3, 7};
        Tensor x = TacticRuns.floats(rnd, 1, table);
        Node n = Node.builder("Gather").name("op").inputs("x", "i").outputs("y").build();
        Map<String, ValueType> in = Map.of("x", ValueType.tensor(DType.FLOAT32, table));
        Tensor constant = Tensor.ofLongs(new long[] {2, 3}, 0, 9, -1, 4, -10, 4);
        TacticRuns.assertLikeReference(oneNode(n, 13, in, Map.of("i", constant)), Map.of("x", x), Map.of("op", "gather.rows"), null);
        Graph computed = oneNode(n, 13, Map.of("x", ValueType.tensor(DType.FLOAT32, table), "i", ValueType.tensor(DType.INT32, 4)),
                Map.of());
        TacticRuns.assertLikeReference(computed, Map.of("x", x, "i", Tensor.ofInts(new long[] {4}, 3, -2, 3, 0)),
                Map.of("op", "gather.rows"), null);
        Node axis1 = Node.builder("Gather").name("op").inputs("x", "i").outputs("y").attr(Attribute.of("axis", 1L)).build();
        TacticRuns.assertLeftToReference(oneNode(axis1, 13, in, Map.of("i", constant)), "op");
    }
}
