package io.jengine.cpu.simd.ops;

import static io.jengine.cpu.simd.ops.VectorMath.F;

import jdk.incubator.vector.FloatVector;

/**
 * The loops of {@link UnaryActivations} over float arrays whose length is a whole number of vectors (the block
 * buffers of {@link ElementwiseChain}): no tails, and heap arrays only, so the JIT compiles each loop for one kind
 * of memory. Each op is the same vector expression as there, so the results are identical. {@code s == d} is
 * supported (each vector is read before it is written).
 */
final class UnaryArrays {
    private static final float SQRT_2_OVER_PI = 0.7978845608f;
    private static final float INV_SQRT2 = 0.70710678118f;

    private UnaryArrays() {}

    /** d[i] = op(s[i]) for i &lt; n, n a multiple of the vector length; {@code e} scratch of n floats (Gelu). */
    static void apply(UnaryOp op, float p0, float p1, float[] s, float[] d, int n, float[] e) {
        switch (op) {
            case NONE -> { if (s != d) System.arraycopy(s, 0, d, 0, n); }
            case GELU -> gelu(s, d, n, e);
            case RELU -> relu(s, d, n);
            case CLIP -> clip(s, d, n, p0, p1);
            case LEAKY_RELU -> leakyRelu(s, d, n, p0);
            case SIGMOID -> sigmoid(s, d, n);
            case HARD_SIGMOID -> hardSigmoid(s, d, n, p0, p1);
            case HARD_SWISH -> hardSwish(s, d, n);
            case TANH -> tanh(s, d, n);
            case SILU -> silu(s, d, n);
            case GELU_TANH -> geluTanh(s, d, n);
            case EXP -> exp(s, d, n);
            case LOG -> log(s, d, n);
            case NEG -> neg(s, d, n);
            case ABS -> abs(s, d, n);
            case SQRT -> sqrt(s, d, n);
            case RECIPROCAL -> reciprocal(s, d, n);
            case ERF -> erf(s, d, n);
            case SOFTPLUS -> softplus(s, d, n);
            case FAKE_QUANTIZE_U8 -> fakeQuantize(s, d, n, p0, (int) p1, 0, 255);
            case FAKE_QUANTIZE_S8 -> fakeQuantize(s, d, n, p0, (int) p1, -128, 127);
        }
    }

    private static void fakeQuantize(float[] s, float[] d, int n, float scale, int zero, int lo, int hi) {
        for (int i = 0; i < n; i += F.length()) {
            FakeQuantize.vector(FloatVector.fromArray(F, s, i), scale, zero, lo, hi).intoArray(d, i);
        }
    }

    /** Gelu in two passes, as in {@link UnaryActivations}: the exps into {@code e}, then the rest. */
    private static void gelu(float[] s, float[] d, int n, float[] e) {
        for (int i = 0; i < n; i += F.length()) {
            FloatVector z = FloatVector.fromArray(F, s, i).mul(INV_SQRT2);
            VectorMath.exp(VectorMath.onePlusErfExponent(z)).intoArray(e, i);
        }
        geluFinish(s, d, n, e);
    }

    private static void geluFinish(float[] s, float[] d, int n, float[] e) {
        for (int i = 0; i < n; i += F.length()) {
            FloatVector x = FloatVector.fromArray(F, s, i);
            x.mul(0.5f).mul(VectorMath.onePlusErfFinish(x.mul(INV_SQRT2), FloatVector.fromArray(F, e, i))).intoArray(d, i);
        }
    }

    private static void relu(float[] s, float[] d, int n) {
        for (int i = 0; i < n; i += F.length()) {
            FloatVector x = FloatVector.fromArray(F, s, i);
            (x.max(0f)).intoArray(d, i);
        }
    }

    private static void clip(float[] s, float[] d, int n, float p0, float p1) {
        for (int i = 0; i < n; i += F.length()) {
            FloatVector x = FloatVector.fromArray(F, s, i);
            (x.max(p0).min(p1)).intoArray(d, i);
        }
    }

    private static void leakyRelu(float[] s, float[] d, int n, float p0) {
        for (int i = 0; i < n; i += F.length()) {
            FloatVector x = FloatVector.fromArray(F, s, i);
            (x.blend(x.mul(p0), x.lt(0f))).intoArray(d, i);
        }
    }

    private static void sigmoid(float[] s, float[] d, int n) {
        for (int i = 0; i < n; i += F.length()) {
            FloatVector x = FloatVector.fromArray(F, s, i);
            (VectorMath.sigmoid(x)).intoArray(d, i);
        }
    }

    private static void hardSigmoid(float[] s, float[] d, int n, float p0, float p1) {
        for (int i = 0; i < n; i += F.length()) {
            FloatVector x = FloatVector.fromArray(F, s, i);
            (x.fma(FloatVector.broadcast(F, p0), FloatVector.broadcast(F, p1)).min(1f).max(0f)).intoArray(d, i);
        }
    }

    private static void hardSwish(float[] s, float[] d, int n) {
        for (int i = 0; i < n; i += F.length()) {
            FloatVector x = FloatVector.fromArray(F, s, i);
            (x.mul(x.fma(FloatVector.broadcast(F, 1f / 6), FloatVector.broadcast(F, 0.5f)).min(1f).max(0f))).intoArray(d, i);
        }
    }

    private static void tanh(float[] s, float[] d, int n) {
        for (int i = 0; i < n; i += F.length()) {
            FloatVector x = FloatVector.fromArray(F, s, i);
            (VectorMath.tanh(x)).intoArray(d, i);
        }
    }

    private static void silu(float[] s, float[] d, int n) {
        for (int i = 0; i < n; i += F.length()) {
            FloatVector x = FloatVector.fromArray(F, s, i);
            (x.mul(VectorMath.sigmoid(x))).intoArray(d, i);
        }
    }

    private static void geluTanh(float[] s, float[] d, int n) {
        for (int i = 0; i < n; i += F.length()) {
            FloatVector x = FloatVector.fromArray(F, s, i);
            (x.mul(VectorMath.sigmoid(x.mul(x).mul(x).fma(FloatVector.broadcast(F, 0.044715f), x).mul(2 * SQRT_2_OVER_PI)))).intoArray(d, i);
        }
    }

    private static void exp(float[] s, float[] d, int n) {
        for (int i = 0; i < n; i += F.length()) {
            FloatVector x = FloatVector.fromArray(F, s, i);
            (VectorMath.exp(x)).intoArray(d, i);
        }
    }

    private static void log(float[] s, float[] d, int n) {
        for (int i = 0; i < n; i += F.length()) {
            FloatVector x = FloatVector.fromArray(F, s, i);
            (VectorMath.log(x)).intoArray(d, i);
        }
    }

    private static void neg(float[] s, float[] d, int n) {
        for (int i = 0; i < n; i += F.length()) {
            FloatVector x = FloatVector.fromArray(F, s, i);
            (x.neg()).intoArray(d, i);
        }
    }

    private static void abs(float[] s, float[] d, int n) {
        for (int i = 0; i < n; i += F.length()) {
            FloatVector x = FloatVector.fromArray(F, s, i);
            (x.abs()).intoArray(d, i);
        }
    }

    private static void sqrt(float[] s, float[] d, int n) {
        for (int i = 0; i < n; i += F.length()) {
            FloatVector x = FloatVector.fromArray(F, s, i);
            (x.sqrt()).intoArray(d, i);
        }
    }

    private static void reciprocal(float[] s, float[] d, int n) {
        for (int i = 0; i < n; i += F.length()) {
            FloatVector x = FloatVector.fromArray(F, s, i);
            (FloatVector.broadcast(F, 1f).div(x)).intoArray(d, i);
        }
    }

    private static void erf(float[] s, float[] d, int n) {
        for (int i = 0; i < n; i += F.length()) {
            FloatVector x = FloatVector.fromArray(F, s, i);
            (VectorMath.erf(x)).intoArray(d, i);
        }
    }

    private static void softplus(float[] s, float[] d, int n) {
        for (int i = 0; i < n; i += F.length()) {
            FloatVector x = FloatVector.fromArray(F, s, i);
            (x.max(0f).add(VectorMath.log1pNonNegative(VectorMath.exp(x.abs().neg())))).intoArray(d, i);
        }
    }
}
