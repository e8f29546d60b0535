package io.jengine.cpu.ref;

import io.jengine.tensor.DType;
import io.jengine.tensor.Tensor;

/**
 * What the engine's integer layers (QuantizedConv, QuantizedMatMul) share in the reference: the checks of a quantized
 * source and of an optional quantized output, and the requantization rule, QuantizeLinear's (the quotient in float32,
 * half to even, saturated), written once.
 */
final class QuantizedOperands {
    private QuantizedOperands() {}

    /** A source of uint8 / int8 codes (named {@code name}, "X" or "A") with one scale and a zero point of its type. */
    static void source(String name, Tensor codes, Tensor scale, Tensor zero) {
        if (codes.dtype() != DType.UINT8 && codes.dtype() != DType.INT8) {
            throw new IllegalArgumentException(name + " must be uint8 or int8, got " + codes.describe());
        }
        String prefix = name.toLowerCase(java.util.Locale.ROOT);
        scalar(scale, prefix + "_scale");
        scalar(zero, prefix + "_zero_point");
        if (zero.dtype() != codes.dtype()) {
            throw new IllegalArgumentException(prefix + "_zero_point " + zero.describe() + " must have " + name
                    + "'s type " + codes.dtype());
        }
    }

    /** An output's y_scale and y_zero_point: both absent (a float output) or both single values. */
    static void output(Tensor yScale, Tensor yZero) {
        if ((yScale == null) != (yZero == null)) {
            throw new IllegalArgumentException("y_scale and y_zero_point must be given together");
        }
        if (yScale != null) {
            scalar(yScale, "y_scale");
            scalar(yZero, "y_zero_point");
        }
    }

    /** The float32 result {@code y} as a code of {@code yZero}'s type. */
    static long requantize(float y, Tensor yScale, Tensor yZero) {
        double q = Math.rint(QuantizationKernels.quotient(y, yScale.getDouble(0), DType.FLOAT32)) + yZero.getDouble(0);
        return QuantizationKernels.saturate(q, yZero.dtype());
    }

    static void scalar(Tensor t, String what) {
        if (t.size() != 1) throw new IllegalArgumentException(what + " must be a single value, got " + t.describe());
    }
}
