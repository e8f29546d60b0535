package io.jengine.opencl;

import io.jengine.ir.FusedOpSpec;
import io.jengine.ir.Node;
import java.util.List;

/**
 * The unary functions {@code common.cl}'s {@code activate} computes, by the ONNX op (or fused activation) name, with
 * their two parameters: what a fused op's epilogue or a unary op applies.
 */
record ClActivation(int id, float p0, float p1) {
    static final ClActivation NONE = new ClActivation(0, 0, 0);

    /** Ids in {@code activate}'s order. */
    private static final List<String> NAMES = List.of("None", "Relu", "Clip", "LeakyRelu", "Sigmoid", "HardSigmoid",
            "HardSwish", "Tanh", "SiLU", "Gelu", "Exp", "Log", "Neg", "Abs", "Sqrt", "Reciprocal", "Erf", "Softplus",
            "Floor", "Ceil", "Round", "Sin", "Cos", "Elu", "Selu", "Sign", "FakeQuantizeU8", "FakeQuantizeS8");

    /** The id {@code activate} computes {@code name} under ("None" is 0), or -1 when it has none by that name. */
    static int idOf(String name) { return NAMES.indexOf(name); }

    /** The fused op's activation, or null when {@code activate} does not have it. */
    static ClActivation ofFused(Node n) {
        FusedOpSpec.Activation a = FusedOpSpec.Activation.of(n);
        if (a.isNone()) return NONE;
        return switch (a.name()) {
            case "Clip" -> new ClActivation(2, a.param(0, Float.NEGATIVE_INFINITY), a.param(1, Float.POSITIVE_INFINITY));
            case "LeakyRelu" -> new ClActivation(3, a.param(0, 0.01f), 0);
            case "HardSigmoid" -> new ClActivation(5, a.param(0, 0.2f), a.param(1, 0.5f));
            case "FakeQuantizeU8", "FakeQuantizeS8" -> new ClActivation(NAMES.indexOf(a.name()), a.param(0, 1f),
                    a.param(1, 0f));
            default -> NAMES.contains(a.name()) ? new ClActivation(NAMES.indexOf(a.name()), 0, 0) : null;
        };
    }

    /** A unary ONNX op as an activation (its attributes read), or null when it is not one. */
    static ClActivation ofUnaryOp(Node n) {
        String op = n.opType();
        return switch (op) {
            case "LeakyRelu" -> new ClActivation(3, n.attrFloat("alpha", 0.01f), 0);
            case "HardSigmoid" -> new ClActivation(5, n.attrFloat("alpha", 0.2f), n.attrFloat("beta", 0.5f));
            case "Elu" -> new ClActivation(23, n.attrFloat("alpha", 1f), 0);
            case "Selu" -> new ClActivation(24, n.attrFloat("alpha", 1.67326319217681884765625f),
                    n.attrFloat("gamma", 1.05070102214813232421875f));
            case "Gelu" -> "none".equals(n.attrString("approximate", "none")) ? new ClActivation(9, 0, 0) : null;
            case "Relu", "Sigmoid", "HardSwish", "Tanh", "Exp", "Log", "Neg", "Abs", "Sqrt", "Reciprocal", "Erf",
                 "Softplus", "Floor", "Ceil", "Round", "Sin", "Cos", "Sign" -> new ClActivation(NAMES.indexOf(op), 0, 0);
            default -> null;
        };
    }
}
