package io.jengine.infer;

import io.jengine.ir.Shape;
import io.jengine.ir.ValueType;
import java.util.ArrayList;
import java.util.List;

/** Loss functions: a scalar when reduced, the target's shape otherwise. */
final class LossInference {
    private LossInference() {}

    static void register(InferenceRegistry r) {
        r.addAll(12, LossInference::loss, "NegativeLogLikelihoodLoss", "SoftmaxCrossEntropyLoss");
    }

    private static List<ValueType> loss(InferenceContext c) {
        boolean none = "none".equals(c.node().attrString("reduction", "mean"));
        List<ValueType> out = new ArrayList<>();
        out.add(InferenceContext.tensor(c.elemType(0), none ? c.shape(1) : Shape.of()));
        if (c.node().outputs().size() > 1) out.add(c.type(0)); // log_prob of SoftmaxCrossEntropyLoss
        return out;
    }
}
