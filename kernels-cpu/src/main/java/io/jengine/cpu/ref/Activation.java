package io.jengine.cpu.ref;

import io.jengine.tensor.DType;
import java.util.function.DoubleUnaryOperator;

/**
 * The unary functions fused ops apply by name — a fused op's activation, a step of an elementwise chain — with the
 * parameters the optimizer records (LeakyRelu's alpha, HardSigmoid's alpha and beta, Clip's bounds).
 */
final class Activation {
    private Activation() {}

    /**
     * QuantizeLinear then DequantizeLinear of a float32 value, as those kernels compute them (the quotient in float32,
     * half to even, saturated, NaN to code 0; the dequantized value rounded to float32).
     */
    private static double fakeQuantize(double x, float scale, float zero, DType type) {
        double q = QuantizationKernels.saturate(Math.rint(QuantizationKernels.quotient((float) x, scale, DType.FLOAT32))
                + zero, type);
        return (float) ((q - zero) * scale);
    }

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
            case "Exp" -> Math::exp;
            case "Log" -> Math::log;
            case "Neg" -> x -> -x;
            case "Abs" -> Math::abs;
            case "Sqrt" -> Math::sqrt;
            case "Reciprocal" -> x -> 1 / x;
            case "Erf" -> UnaryMath::erf;
            case "Softplus" -> UnaryMath::softplus;
            case "FakeQuantizeU8" -> x -> fakeQuantize(x, p[0], p[1], DType.UINT8);
            case "FakeQuantizeS8" -> x -> fakeQuantize(x, p[0], p[1], DType.INT8);
            case "None", "" -> x -> x;
            default -> throw new IllegalArgumentException("unknown activation '" + name + "'");
        };
    }
}
