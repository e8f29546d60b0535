package io.jengine.cpu.simd.ops;

import static io.jengine.cpu.simd.ops.VectorMath.F;
import static io.jengine.cpu.simd.ops.VectorMath.c;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;

/**
 * Applies a {@link UnaryOp} to a run of float32 elements, vector by vector. {@code src == dst} at the same offset (in
 * place) is supported; any other overlap is rejected.
 *
 * <p>There is one loop per op, not one loop calling a per-op function: a call the JIT cannot inline (a lambda or a
 * switch too large to inline) would box every vector.
 */
public final class UnaryActivations {
    private static final ByteOrder NATIVE = ByteOrder.nativeOrder();
    private static final float SQRT_2_OVER_PI = 0.7978845608f;
    private static final float INV_SQRT2 = 0.70710678118f;

    private UnaryActivations() {}

    /**
     * dst[i] = op(src[i]) for {@code count} elements starting at the byte offsets given; {@code params} as listed on
     * the op (may be null or empty for ops without parameters).
     */
    public static void apply(UnaryOp op, float[] params, MemorySegment src, long srcOff, MemorySegment dst, long dstOff,
                             long count) {
        int need = op.paramCount();
        int got = params == null ? 0 : params.length;
        if (got < need) {
            throw new IllegalArgumentException(op.onnxName() + " needs " + need + " parameters, got " + got);
        }
        SegmentBounds.checkFloats("input", src, srcOff, count);
        SegmentBounds.checkFloats("output", dst, dstOff, count);
        SegmentBounds.checkAliasing(op.onnxName(), src, srcOff, dst, dstOff, count * Float.BYTES);
        float p0 = need > 0 ? params[0] : 0, p1 = need > 1 ? params[1] : 0;
        switch (op) {
            case NONE -> { if (src != dst || srcOff != dstOff) MemorySegment.copy(src, srcOff, dst, dstOff, count * 4); }
            case RELU -> relu(src, srcOff, dst, dstOff, count);
            case CLIP -> clip(src, srcOff, dst, dstOff, count, p0, p1);
            case LEAKY_RELU -> leakyRelu(src, srcOff, dst, dstOff, count, p0);
            case SIGMOID -> sigmoid(src, srcOff, dst, dstOff, count);
            case HARD_SIGMOID -> hardSigmoid(src, srcOff, dst, dstOff, count, p0, p1);
            case HARD_SWISH -> hardSwish(src, srcOff, dst, dstOff, count);
            case TANH -> tanh(src, srcOff, dst, dstOff, count);
            case SILU -> silu(src, srcOff, dst, dstOff, count);
            case GELU -> gelu(src, srcOff, dst, dstOff, count);
            case GELU_TANH -> geluTanh(src, srcOff, dst, dstOff, count);
            case EXP -> exp(src, srcOff, dst, dstOff, count);
            case LOG -> log(src, srcOff, dst, dstOff, count);
            case NEG -> neg(src, srcOff, dst, dstOff, count);
            case ABS -> abs(src, srcOff, dst, dstOff, count);
            case SQRT -> sqrt(src, srcOff, dst, dstOff, count);
            case RECIPROCAL -> reciprocal(src, srcOff, dst, dstOff, count);
            case ERF -> erf(src, srcOff, dst, dstOff, count);
            case SOFTPLUS -> softplus(src, srcOff, dst, dstOff, count);
        }
    }

    /** The op on one vector: for callers that fuse it into a loop of their own (an elementwise chain's steps). */
    public static FloatVector applyTo(UnaryOp op, FloatVector x, float p0, float p1) {
        return switch (op) {
            case NONE -> x;
            case RELU -> x.max(0f);
            case CLIP -> x.max(p0).min(p1);
            case LEAKY_RELU -> x.blend(x.mul(p0), x.lt(0f));
            case SIGMOID -> VectorMath.sigmoid(x);
            case HARD_SIGMOID -> x.fma(c(p0), c(p1)).min(1f).max(0f);
            case HARD_SWISH -> hardSwish(x);
            case TANH -> VectorMath.tanh(x);
            case SILU -> x.mul(VectorMath.sigmoid(x));
            case GELU -> gelu(x);
            case GELU_TANH -> geluTanh(x);
            case EXP -> VectorMath.exp(x);
            case LOG -> VectorMath.log(x);
            case NEG -> x.neg();
            case ABS -> x.abs();
            case SQRT -> x.sqrt();
            case RECIPROCAL -> c(1f).div(x);
            case ERF -> VectorMath.erf(x);
            case SOFTPLUS -> softplus(x);
        };
    }

    private static FloatVector hardSwish(FloatVector x) { return x.mul(x.fma(c(1f / 6), c(0.5f)).min(1f).max(0f)); }

    private static FloatVector gelu(FloatVector x) { return x.mul(0.5f).mul(VectorMath.onePlusErf(x.mul(INV_SQRT2))); }

    // 0.5 (1 + tanh(y)) = sigmoid(2y): no cancellation for large negative x, where 1 + tanh(y) would lose every digit.
    private static FloatVector geluTanh(FloatVector x) {
        FloatVector inner = x.mul(x).mul(x).fma(c(0.044715f), x).mul(2 * SQRT_2_OVER_PI);
        return x.mul(VectorMath.sigmoid(inner));
    }

    // max(x, 0) + log1p(e^-|x|): no overflow for large x, and relative accuracy where the result is e^x, tiny.
    private static FloatVector softplus(FloatVector x) {
        return x.max(0f).add(VectorMath.log1pNonNegative(VectorMath.exp(x.abs().neg())));
    }

    private static FloatVector load(MemorySegment s, long off, long i, long n) {
        return i + F.length() <= n ? FloatVector.fromMemorySegment(F, s, off + i * 4, NATIVE)
                : FloatVector.fromMemorySegment(F, s, off + i * 4, NATIVE, F.indexInRange(i, n));
    }

    private static void store(FloatVector v, MemorySegment d, long off, long i, long n) {
        if (i + F.length() <= n) v.intoMemorySegment(d, off + i * 4, NATIVE);
        else v.intoMemorySegment(d, off + i * 4, NATIVE, F.indexInRange(i, n));
    }

    private static void relu(MemorySegment s, long so, MemorySegment d, long dO, long n) {
        for (long i = 0; i < n; i += F.length()) store(load(s, so, i, n).max(0f), d, dO, i, n);
    }

    private static void clip(MemorySegment s, long so, MemorySegment d, long dO, long n, float lo, float hi) {
        for (long i = 0; i < n; i += F.length()) store(load(s, so, i, n).max(lo).min(hi), d, dO, i, n);
    }

    private static void leakyRelu(MemorySegment s, long so, MemorySegment d, long dO, long n, float alpha) {
        for (long i = 0; i < n; i += F.length()) {
            FloatVector x = load(s, so, i, n);
            VectorMask<Float> neg = x.lt(0f);
            store(x.blend(x.mul(alpha), neg), d, dO, i, n);
        }
    }

    private static void sigmoid(MemorySegment s, long so, MemorySegment d, long dO, long n) {
        for (long i = 0; i < n; i += F.length()) store(VectorMath.sigmoid(load(s, so, i, n)), d, dO, i, n);
    }

    private static void hardSigmoid(MemorySegment s, long so, MemorySegment d, long dO, long n, float a, float b) {
        for (long i = 0; i < n; i += F.length()) store(load(s, so, i, n).fma(c(a), c(b)).min(1f).max(0f), d, dO, i, n);
    }

    private static void hardSwish(MemorySegment s, long so, MemorySegment d, long dO, long n) {
        for (long i = 0; i < n; i += F.length()) store(hardSwish(load(s, so, i, n)), d, dO, i, n);
    }

    private static void tanh(MemorySegment s, long so, MemorySegment d, long dO, long n) {
        for (long i = 0; i < n; i += F.length()) store(VectorMath.tanh(load(s, so, i, n)), d, dO, i, n);
    }

    private static void silu(MemorySegment s, long so, MemorySegment d, long dO, long n) {
        for (long i = 0; i < n; i += F.length()) {
            FloatVector x = load(s, so, i, n);
            store(x.mul(VectorMath.sigmoid(x)), d, dO, i, n);
        }
    }

    private static void gelu(MemorySegment s, long so, MemorySegment d, long dO, long n) {
        for (long i = 0; i < n; i += F.length()) {
            FloatVector x = load(s, so, i, n);
            store(x.mul(0.5f).mul(VectorMath.onePlusErf(x.mul(INV_SQRT2))), d, dO, i, n);
        }
    }

    private static void geluTanh(MemorySegment s, long so, MemorySegment d, long dO, long n) {
        for (long i = 0; i < n; i += F.length()) store(geluTanh(load(s, so, i, n)), d, dO, i, n);
    }

    private static void exp(MemorySegment s, long so, MemorySegment d, long dO, long n) {
        for (long i = 0; i < n; i += F.length()) store(VectorMath.exp(load(s, so, i, n)), d, dO, i, n);
    }

    private static void log(MemorySegment s, long so, MemorySegment d, long dO, long n) {
        for (long i = 0; i < n; i += F.length()) store(VectorMath.log(load(s, so, i, n)), d, dO, i, n);
    }

    private static void neg(MemorySegment s, long so, MemorySegment d, long dO, long n) {
        for (long i = 0; i < n; i += F.length()) store(load(s, so, i, n).neg(), d, dO, i, n);
    }

    private static void abs(MemorySegment s, long so, MemorySegment d, long dO, long n) {
        for (long i = 0; i < n; i += F.length()) store(load(s, so, i, n).abs(), d, dO, i, n);
    }

    private static void sqrt(MemorySegment s, long so, MemorySegment d, long dO, long n) {
        for (long i = 0; i < n; i += F.length()) store(load(s, so, i, n).sqrt(), d, dO, i, n);
    }

    private static void reciprocal(MemorySegment s, long so, MemorySegment d, long dO, long n) {
        FloatVector one = c(1f);
        for (long i = 0; i < n; i += F.length()) store(one.div(load(s, so, i, n)), d, dO, i, n);
    }

    private static void erf(MemorySegment s, long so, MemorySegment d, long dO, long n) {
        for (long i = 0; i < n; i += F.length()) store(VectorMath.erf(load(s, so, i, n)), d, dO, i, n);
    }

    private static void softplus(MemorySegment s, long so, MemorySegment d, long dO, long n) {
        for (long i = 0; i < n; i += F.length()) store(softplus(load(s, so, i, n)), d, dO, i, n);
    }
}
