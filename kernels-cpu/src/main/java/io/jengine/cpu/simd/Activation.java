package io.jengine.cpu.simd;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The activation a fused epilogue applies last, by the optimizer's names and parameters (the same formulas as the
 * reference backend's activations): None, Relu, Clip(min, max), LeakyRelu(alpha), Sigmoid, HardSigmoid(alpha, beta),
 * HardSwish, Tanh, SiLU, Gelu (the erf form). NaN inputs give NaN, as in the reference.
 */
public final class Activation {
    /** The supported functions. */
    public enum Kind { NONE, RELU, CLIP, LEAKY_RELU, SIGMOID, HARD_SIGMOID, HARD_SWISH, TANH, SILU, GELU }

    public static final Activation NONE = new Activation(Kind.NONE, 0, 0);
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int VL = S.length();

    private final Kind kind;
    private final float p0, p1;

    private Activation(Kind kind, float p0, float p1) {
        this.kind = kind;
        this.p0 = p0;
        this.p1 = p1;
    }

    public static Activation relu() { return new Activation(Kind.RELU, 0, 0); }
    public static Activation clip(float min, float max) {
        if (!(min <= max)) throw new IllegalArgumentException("Clip needs min <= max, got min " + min + ", max " + max);
        return new Activation(Kind.CLIP, min, max);
    }
    public static Activation leakyRelu(float alpha) { return new Activation(Kind.LEAKY_RELU, alpha, 0); }
    public static Activation sigmoid() { return new Activation(Kind.SIGMOID, 0, 0); }
    public static Activation hardSigmoid(float alpha, float beta) { return new Activation(Kind.HARD_SIGMOID, alpha, beta); }
    public static Activation hardSwish() { return new Activation(Kind.HARD_SWISH, 0, 0); }
    public static Activation tanh() { return new Activation(Kind.TANH, 0, 0); }
    public static Activation silu() { return new Activation(Kind.SILU, 0, 0); }
    public static Activation gelu() { return new Activation(Kind.GELU, 0, 0); }

    /**
     * The activation the optimizer records as a fused op's {@code activation} and {@code activation_params}
     * attributes ("None" or "" for none).
     */
    public static Activation of(String name, float[] params) {
        float[] p = params == null ? new float[0] : params;
        return switch (name) {
            case "None", "" -> NONE;
            case "Relu" -> relu();
            case "Clip" -> clip(param(name, p, 0, 2), param(name, p, 1, 2));
            case "LeakyRelu" -> leakyRelu(param(name, p, 0, 1));
            case "Sigmoid" -> sigmoid();
            case "HardSigmoid" -> hardSigmoid(param(name, p, 0, 2), param(name, p, 1, 2));
            case "HardSwish" -> hardSwish();
            case "Tanh" -> tanh();
            case "SiLU" -> silu();
            case "Gelu" -> gelu();
            default -> throw new IllegalArgumentException("unsupported activation '" + name
                    + "', expected one of None, Relu, Clip, LeakyRelu, Sigmoid, HardSigmoid, HardSwish, Tanh, SiLU, Gelu");
        };
    }

    private static float param(String name, float[] p, int i, int count) {
        if (p.length != count) {
            throw new IllegalArgumentException(name + " needs " + count + " parameter(s), got " + p.length);
        }
        return p[i];
    }

    public Kind kind() { return kind; }

    /** Clip's lower bound (0 for other kinds). */
    float lower() { return kind == Kind.CLIP ? p0 : 0f; }

    /** Clip's upper bound (0 for other kinds). */
    float upper() { return kind == Kind.CLIP ? p1 : 0f; }

    /** The function on one value (tails and scalar callers); agrees with {@link #apply(FloatVector)} lane for lane. */
    public float apply(float x) {
        return apply(FloatVector.broadcast(FloatVectorMath.S, x)).lane(0);
    }

    /**
     * Applies the function to {@code a[0, length)} in place, {@code length} a multiple of the vector length. Each
     * kind has its own loop so that its vector code inlines at a hot call site and no vector is boxed.
     */
    void applyInPlace(float[] a, int length) {
        switch (kind) {
            case NONE -> { }
            case RELU -> { for (int i = 0; i < length; i += VL) FloatVector.fromArray(S, a, i).max(0f).intoArray(a, i); }
            case CLIP -> { for (int i = 0; i < length; i += VL) FloatVector.fromArray(S, a, i).max(p0).min(p1).intoArray(a, i); }
            case LEAKY_RELU -> leakyRelu(a, length);
            case SIGMOID -> sigmoid(a, length);
            case HARD_SIGMOID -> hardSigmoid(a, length);
            case HARD_SWISH -> hardSwish(a, length);
            case TANH -> tanh(a, length);
            case SILU -> silu(a, length);
            case GELU -> gelu(a, length);
        }
    }

    private void leakyRelu(float[] a, int length) {
        for (int i = 0; i < length; i += VL) {
            FloatVector x = FloatVector.fromArray(S, a, i);
            x.mul(p0).blend(x, x.compare(VectorOperators.GE, 0f)).intoArray(a, i);
        }
    }

    private void hardSigmoid(float[] a, int length) {
        for (int i = 0; i < length; i += VL) FloatVector.fromArray(S, a, i).fma(p0, p1).min(1f).max(0f).intoArray(a, i);
    }

    private static void hardSwish(float[] a, int length) {
        for (int i = 0; i < length; i += VL) {
            FloatVector x = FloatVector.fromArray(S, a, i);
            x.mul(x.fma(1f / 6f, 0.5f).min(1f).max(0f)).intoArray(a, i);
        }
    }

    private static void sigmoid(float[] a, int length) {
        for (int i = 0; i < length; i += VL) FloatVectorMath.sigmoid(FloatVector.fromArray(S, a, i)).intoArray(a, i);
    }

    private static void tanh(float[] a, int length) {
        for (int i = 0; i < length; i += VL) FloatVectorMath.tanh(FloatVector.fromArray(S, a, i)).intoArray(a, i);
    }

    private static void silu(float[] a, int length) {
        for (int i = 0; i < length; i += VL) {
            FloatVector x = FloatVector.fromArray(S, a, i);
            x.mul(FloatVectorMath.sigmoid(x)).intoArray(a, i);
        }
    }

    private static void gelu(float[] a, int length) {
        for (int i = 0; i < length; i += VL) FloatVectorMath.gelu(FloatVector.fromArray(S, a, i)).intoArray(a, i);
    }

    /**
     * The function on every lane. Callers in hot loops should keep this call inside the loop body (C2 must inline it,
     * or the vector is boxed).
     */
    public FloatVector apply(FloatVector x) {
        return switch (kind) {
            case NONE -> x;
            // max/min follow Math.max/min: NaN in, NaN out, as the reference's explicit NaN cases demand.
            case RELU -> x.max(0f);
            case CLIP -> x.max(p0).min(p1);
            case LEAKY_RELU -> x.mul(p0).blend(x, x.compare(VectorOperators.GE, 0f));
            case SIGMOID -> FloatVectorMath.sigmoid(x);
            case HARD_SIGMOID -> x.fma(p0, p1).min(1f).max(0f);
            case HARD_SWISH -> x.mul(x.fma(1f / 6f, 0.5f).min(1f).max(0f));
            case TANH -> FloatVectorMath.tanh(x);
            case SILU -> x.mul(FloatVectorMath.sigmoid(x));
            case GELU -> FloatVectorMath.gelu(x);
        };
    }

    @Override
    public String toString() {
        return switch (kind) {
            case CLIP -> "Clip(" + p0 + ", " + p1 + ")";
            case LEAKY_RELU -> "LeakyRelu(" + p0 + ")";
            case HARD_SIGMOID -> "HardSigmoid(" + p0 + ", " + p1 + ")";
            default -> kind.name();
        };
    }
}
