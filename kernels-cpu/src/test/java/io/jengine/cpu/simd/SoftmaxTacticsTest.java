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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SoftmaxTacticsTest {
    private static Graph softmax(String op, int opset, Long axis, long... shape) {
        Node.Builder n = Node.builder(op).name("op").inputs("x").outputs("y");
        if (axis != null) n.attr(Attribute.of("axis", (long) axis));
        return Graph.builder("softmax").opset("", opset).addNode(n.build())
                .addInput(new ValueInfo("x", ValueType.tensor(DType.FLOAT32, shape)))
                .addOutput(new ValueInfo("y", null))
                .build();
    }

    @ParameterizedTest
    @ValueSource(strings = {"Softmax", "LogSoftmax"})
    void matchesTheReferenceForEveryAxisForm(String op) {
        String name = op.equals("Softmax") ? "softmax" : "log-softmax";
        SplittableRandom rnd = new SplittableRandom(op.hashCode());
        long[] s = {2, 5, 37};
        Tensor x = TacticRuns.floats(rnd, 4, s);
        // One row with a NaN, one with +Inf, one all -Inf: each must come out NaN as in the reference.
        x.setFloat(3, Float.NaN);
        x.setFloat(37 * 2 + 5, Float.POSITIVE_INFINITY);
        for (int j = 0; j < 37; j++) x.setFloat(37 * 4 + j, Float.NEGATIVE_INFINITY);
        Map<String, Tensor> feeds = Map.of("x", x);
        // Opset 13: one axis; the last (rows) or a middle one (vectors across the inner dims).
        TacticRuns.assertLikeReference(softmax(op, 13, null, s), feeds, Map.of("op", name + ".rows"), null);
        TacticRuns.assertLikeReference(softmax(op, 13, 1L, s), feeds, Map.of("op", name + ".columns"), null);
        TacticRuns.assertLikeReference(softmax(op, 13, -3L, s), feeds, Map.of("op", name + ".columns"), null);
        // Before 13: the input is coerced to 2-D at the axis (default 1), one softmax over all the trailing dims.
        TacticRuns.assertLikeReference(softmax(op, 11, null, s), feeds, Map.of("op", name + ".rows"), null);
        TacticRuns.assertLikeReference(softmax(op, 11, 2L, s), feeds, Map.of("op", name + ".rows"), null);
        TacticRuns.assertLikeReference(softmax(op, 11, 0L, s), feeds, Map.of("op", name + ".rows"), null);
        // Many rows, threaded.
        long[] big = {301, 129};
        TacticRuns.assertLikeReference(softmax(op, 13, null, big), Map.of("x", TacticRuns.floats(rnd, 4, big)),
                Map.of("op", name + ".rows"), null);
    }
}
