package io.jengine.cpu.ref;

import java.util.function.DoubleUnaryOperator;

/** The activations fused ops apply to their result, by the name and parameters the optimizer records. */
final class Activation {
    private Activation() {}

    static DoubleUnaryOperator of(String name, float[] p) {
        return switch (name) {
            case "Relu" -> x -> x > 0 ? x : (x == x ? 0 : x);
            case "Clip" -> x -> Double.isNaN(x) ? x : Math.min(Math.max(x, p[0]), p[1]);
            case "LeakyRelu" -> x -> x >= 0 ? x : p[0] * x;
            case "Sigmoid" -> UnaryMath::sigmoid;
            case "HardSigmoid" -> x -> Math.max(0, Math.min(1, p[0] * x + p[1]));
            case "HardSwish" -> x -> x * Math.max(0, Math.min(1, x / 6 + 0.5));
            case "Tanh" -> Math::tanh;
            case "SiLU" -> x -> x * UnaryMath.sigmoid(x);
            case "Gelu" -> x -> 0.5 * x * (1 + UnaryMath.erf(x / Math.sqrt(2)));
            case "None", "" -> x -> x;
            default -> throw new IllegalArgumentException("unknown fused activation '" + name + "'");
        };
    }
}
