package io.jengine.cpu.simd.conv;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The activation a fused convolution applies last, with exactly the formulas of the reference kernels' activations
 * (names and parameters as the optimizer records them: Clip's min and max, LeakyRelu's alpha, HardSigmoid's alpha and
 * beta), computed on float vectors. NaN stays NaN through every one of them, as in the reference.
 */
public record FusedActivation(Kind kind, float p0, float p1) {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();

    /** The activations a fused convolution may end with. */
    public enum Kind { NONE, RELU, CLIP, LEAKY_RELU, SIGMOID, HARD_SIGMOID, HARD_SWISH, TANH, SILU, GELU }

    public static final FusedActivation NONE = new FusedActivation(Kind.NONE, 0, 0);

    public FusedActivation {
        if (kind == null) throw new IllegalArgumentException("activation kind must not be null");
        if (kind == Kind.CLIP && !(p0 <= p1)) {
            throw new IllegalArgumentException("Clip needs min <= max, got min " + p0 + " and max " + p1);
        }
    }

    /**
     * The activation the reference names {@code name} with the parameters {@code params} (as a fused node's
     * activation and activation_params attributes).
     */
    public static FusedActivation of(String name, float[] params) {
        return switch (name) {
            case "None", "" -> NONE;
            case "Relu" -> new FusedActivation(Kind.RELU, 0, 0);
            case "Clip" -> new FusedActivation(Kind.CLIP, param(name, params, 0), param(name, params, 1));
            case "LeakyRelu" -> new FusedActivation(Kind.LEAKY_RELU, param(name, params, 0), 0);
            case "Sigmoid" -> new FusedActivation(Kind.SIGMOID, 0, 0);
            case "HardSigmoid" -> new FusedActivation(Kind.HARD_SIGMOID, param(name, params, 0), param(name, params, 1));
            case "HardSwish" -> new FusedActivation(Kind.HARD_SWISH, 0, 0);
            case "Tanh" -> new FusedActivation(Kind.TANH, 0, 0);
            case "SiLU" -> new FusedActivation(Kind.SILU, 0, 0);
            case "Gelu" -> new FusedActivation(Kind.GELU, 0, 0);
            default -> throw new IllegalArgumentException("activation '" + name + "' cannot be fused into a convolution");
        };
    }

    private static float param(String name, float[] params, int i) {
        if (params == null || params.length <= i) {
            throw new IllegalArgumentException(name + " needs " + (i + 1) + " parameter(s), got "
                    + (params == null ? 0 : params.length));
        }
        return params[i];
    }

    /**
     * Applies the activation to {@code a[off .. off + n)} in place; {@code n} must be a multiple of the preferred
     * species' length (callers round up into their buffers' slack, garbage lanes included: lanes never mix).
     */
    void applyInPlace(float[] a, int off, int n) {
        switch (kind) {
            case NONE -> { }
            case RELU -> {
                // Math.max semantics: NaN stays NaN and -0 becomes +0, as the reference's x > 0 ? x : 0.
                for (int i = off; i < off + n; i += L) FloatVector.fromArray(S, a, i).max(0f).intoArray(a, i);
            }
            case CLIP -> {
                for (int i = off; i < off + n; i += L) FloatVector.fromArray(S, a, i).max(p0).min(p1).intoArray(a, i);
            }
            case LEAKY_RELU -> {
                for (int i = off; i < off + n; i += L) {
                    FloatVector x = FloatVector.fromArray(S, a, i);
                    x.blend(x.mul(p0), x.compare(VectorOperators.LT, 0f)).intoArray(a, i);
                }
            }
            case HARD_SIGMOID -> {
                for (int i = off; i < off + n; i += L) {
                    FloatVector.fromArray(S, a, i).mul(p0).add(p1).min(1f).max(0f).intoArray(a, i);
                }
            }
            case HARD_SWISH -> {
                for (int i = off; i < off + n; i += L) {
                    FloatVector x = FloatVector.fromArray(S, a, i);
                    x.mul(x.mul(1f / 6).add(0.5f).min(1f).max(0f)).intoArray(a, i);
                }
            }
            case SIGMOID -> VectorMath.sigmoid(a, off, n, false);
            case SILU -> VectorMath.sigmoid(a, off, n, true);
            case TANH -> VectorMath.tanh(a, off, n);
            case GELU -> VectorMath.gelu(a, off, n);
        }
    }
}
