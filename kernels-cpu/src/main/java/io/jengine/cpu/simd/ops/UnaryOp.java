package io.jengine.cpu.simd.ops;

import java.util.Arrays;

/**
 * The unary functions {@link UnaryActivations} applies: those a fused op or an elementwise chain names (the names of
 * the reference's {@code Activation}), plus Gelu's tanh approximation. The parameters each reads are listed with it.
 */
public enum UnaryOp {
    NONE("None", 0),
    RELU("Relu", 0),
    /** params: min, max. */
    CLIP("Clip", 2),
    /** params: alpha. */
    LEAKY_RELU("LeakyRelu", 1),
    SIGMOID("Sigmoid", 0),
    /** params: alpha, beta. */
    HARD_SIGMOID("HardSigmoid", 2),
    HARD_SWISH("HardSwish", 0),
    TANH("Tanh", 0),
    SILU("SiLU", 0),
    /** Gelu in its exact form, 0.5 x (1 + erf(x / sqrt 2)). */
    GELU("Gelu", 0),
    /** Gelu's approximate="tanh" form, 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))). */
    GELU_TANH("GeluTanh", 0),
    EXP("Exp", 0),
    LOG("Log", 0),
    NEG("Neg", 0),
    ABS("Abs", 0),
    SQRT("Sqrt", 0),
    RECIPROCAL("Reciprocal", 0),
    ERF("Erf", 0),
    SOFTPLUS("Softplus", 0),
    /**
     * A QuantizeLinear then DequantizeLinear to uint8 with one scale and zero point (params: scale, zero point):
     * {@code (saturate(rint(x / scale) + zp) - zp) * scale}, NaN quantizing to code 0 as QuantizeLinear's does.
     */
    FAKE_QUANTIZE_U8("FakeQuantizeU8", 2),
    /** As {@link #FAKE_QUANTIZE_U8}, to int8. */
    FAKE_QUANTIZE_S8("FakeQuantizeS8", 2);

    private final String onnxName;
    private final int params;

    UnaryOp(String onnxName, int params) {
        this.onnxName = onnxName;
        this.params = params;
    }

    /** The name an activation attribute or a chain step gives this function. */
    public String onnxName() { return onnxName; }

    /** How many parameters it reads. */
    public int paramCount() { return params; }

    /**
     * Whether its vector code is a long series of operations per vector (a polynomial, a division, a rounding), and so
     * runs hundreds of times slower interpreted than compiled, where the piecewise-linear ones and the simple
     * arithmetic are a compare or two and a blend. A native kernel followed by such a pass is partly Java to a tuner
     * timing it.
     */
    public boolean heavy() {
        return switch (this) {
            case NONE, RELU, CLIP, LEAKY_RELU, HARD_SIGMOID, HARD_SWISH, NEG, ABS -> false;
            default -> true;
        };
    }

    /** The op an activation name denotes ("" is {@link #NONE}, as in the reference). */
    public static UnaryOp named(String name) {
        if (name.isEmpty()) return NONE;
        for (UnaryOp op : values()) if (op.onnxName.equals(name)) return op;
        throw new IllegalArgumentException("unknown activation '" + name + "', expected one of "
                + Arrays.stream(values()).map(UnaryOp::onnxName).toList());
    }
}
