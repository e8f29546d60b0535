package io.jengine.cpu.ref;

import java.util.Locale;
import java.util.function.DoubleUnaryOperator;

/** The activation functions RNN, GRU and LSTM accept by name in their {@code activations} attribute. */
final class RecurrentActivation {
    private RecurrentActivation() {}

    /**
     * The named function; {@code alpha} / {@code beta} are NaN when not given, and then take the default of the ONNX
     * operator of the same name.
     */
    static DoubleUnaryOperator of(String name, double alpha, double beta) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "sigmoid" -> x -> 1 / (1 + Math.exp(-x));
            case "tanh" -> Math::tanh;
            case "relu" -> x -> Math.max(x, 0);
            case "affine" -> {
                double a = or(alpha, 1), b = or(beta, 0);
                yield x -> a * x + b;
            }
            case "leakyrelu" -> {
                double a = or(alpha, 0.01);
                yield x -> x >= 0 ? x : a * x;
            }
            case "thresholdedrelu" -> {
                double a = or(alpha, 1);
                yield x -> x > a ? x : 0;
            }
            case "scaledtanh" -> {
                double a = or(alpha, 1), b = or(beta, 1);
                yield x -> a * Math.tanh(b * x);
            }
            case "hardsigmoid" -> {
                double a = or(alpha, 0.2), b = or(beta, 0.5);
                yield x -> Math.max(0, Math.min(1, a * x + b));
            }
            case "elu" -> {
                double a = or(alpha, 1);
                yield x -> x >= 0 ? x : a * (Math.exp(x) - 1);
            }
            case "softsign" -> x -> x / (1 + Math.abs(x));
            case "softplus" -> x -> x > 30 ? x : Math.log1p(Math.exp(x));
            default -> throw new IllegalArgumentException("attribute activations: unknown activation '" + name
                    + "', expected one of Relu, Tanh, Sigmoid, Affine, LeakyRelu, ThresholdedRelu, ScaledTanh,"
                    + " HardSigmoid, Elu, Softsign, Softplus");
        };
    }

    private static double or(double v, double dflt) { return Double.isNaN(v) ? dflt : v; }
}
