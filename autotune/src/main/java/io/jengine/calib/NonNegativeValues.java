package io.jengine.calib;

import io.jengine.ir.FusedOpSpec;
import io.jengine.ir.Graph;
import io.jengine.ir.Node;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The values a graph guarantees non-negative by construction: the outputs of Relu, Sigmoid, HardSigmoid, a Clip or
 * a fused activation whose lower bound is at least 0, and of the ops that only move or pool values (pooling,
 * reshapes, concatenation) when all their inputs are. Such a tensor quantizes to uint8, any other to int8, whatever
 * calibration saw: a calibration cache records no sign, and a build replayed from it must be the same model.
 */
final class NonNegativeValues {
    private NonNegativeValues() {}

    private static final Set<String> NON_NEGATIVE = Set.of("Relu", "Sigmoid", "HardSigmoid", "Softmax", "Abs");
    private static final Set<String> PRESERVING = Set.of("MaxPool", "AveragePool", "GlobalAveragePool",
            "GlobalMaxPool", "Flatten", "Reshape", "Squeeze", "Unsqueeze", "Transpose", "Identity", "Concat",
            "Resize", "Slice", "Split", "Gather", "Pad");

    static Set<String> of(Graph g) {
        Set<String> out = new HashSet<>();
        for (Node n : g.nodes()) {
            if (nonNegative(n, out)) {
                for (String o : n.outputs()) if (!o.isEmpty()) out.add(o);
            }
        }
        return out;
    }

    private static boolean nonNegative(Node n, Set<String> known) {
        boolean onnx = n.domain().isEmpty();
        String op = n.opType();
        if (onnx && NON_NEGATIVE.contains(op)) return true;
        if (onnx && op.equals("Clip")) return n.hasAttr("min") && n.attrFloat("min", -1) >= 0;
        if (FusedOpSpec.DOMAIN.equals(n.domain()) && n.hasAttr(FusedOpSpec.ACTIVATION)) {
            String act = n.attrString(FusedOpSpec.ACTIVATION, FusedOpSpec.NO_ACTIVATION);
            float[] params = n.attrFloats(FusedOpSpec.ACTIVATION_PARAMS, new float[0]);
            return NON_NEGATIVE.contains(act) || act.equals("Clip") && params.length >= 1 && params[0] >= 0;
        }
        if (onnx && PRESERVING.contains(op)) {
            // the data inputs (the first, or all of Concat's) must be non-negative; Pad only pads with zeros
            if (op.equals("Pad") && !n.attrString("mode", "constant").equals("constant")) return false;
            if (op.equals("Pad") && n.hasInput(2)) return false;
            List<String> data = op.equals("Concat") ? n.inputs() : n.inputs().subList(0, 1);
            return !data.isEmpty() && data.stream().allMatch(known::contains);
        }
        return false;
    }
}
