package io.jengine.cpu.simd.ops;

import static io.jengine.cpu.simd.ops.VectorMath.F;

import io.jengine.spi.IntraOpPool;
import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;

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
    // Elements per two-pass block: a multiple of every vector length, small enough to stay in L1.
    private static final int BLOCK = 512;

    private UnaryActivations() {}

    /**
     * dst[i] = op(src[i]) for {@code count} elements starting at the byte offsets given; {@code params} as listed on
     * the op (may be null or empty for ops without parameters).
     */
    /** Below this many elements a pass runs on one thread: waking a helper costs more than it saves. */
    private static final long SERIAL = 1 << 15;
    /** Chunk boundaries fall on multiples of this many elements (a cache line of floats times 4). */
    private static final long ALIGN = 64;

    /**
     * {@link #apply} split over up to {@code threads} threads of the shared intra-op pool, in chunks whose bounds
     * depend only on {@code count} and {@code threads}.
     */
    public static void applyParallel(UnaryOp op, float[] params, MemorySegment src, long srcOff, MemorySegment dst,
                                     long dstOff, long count, int threads) {
        int tasks = count < SERIAL ? 1 : (int) Math.min(4L * threads, count / SERIAL);
        if (tasks == 1) {
            apply(op, params, src, srcOff, dst, dstOff, count);
            return;
        }
        IntraOpPool.shared().parallelFor(threads, tasks, t -> {
            long from = chunkStart(t, tasks, count), to = chunkStart(t + 1, tasks, count);
            apply(op, params, src, srcOff + 4 * from, dst, dstOff + 4 * from, to - from);
        });
    }

    private static long chunkStart(int t, int tasks, long count) {
        return t == tasks ? count : count * t / tasks / ALIGN * ALIGN;
    }

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
            case FAKE_QUANTIZE_U8 -> fakeQuantize(op, src, srcOff, dst, dstOff, count, p0, (int) p1, 0, 255);
            case FAKE_QUANTIZE_S8 -> fakeQuantize(op, src, srcOff, dst, dstOff, count, p0, (int) p1, -128, 127);
        }
    }

    private static void fakeQuantize(UnaryOp op, MemorySegment s, long so, MemorySegment d, long dO, long n,
                                     float scale, int zero, int lo, int hi) {
        long i = 0;
        for (; i + F.length() <= n; i += F.length()) {
            FakeQuantize.vector(FloatVector.fromMemorySegment(F, s, so + 4 * i, NATIVE), scale, zero, lo, hi)
                    .intoMemorySegment(d, dO + 4 * i, NATIVE);
        }
        if (i < n) tail(op, scale, zero, s, so, d, dO, i, n);
    }

    /**
     * The padded last partial vector: copied into a vector-sized buffer, run through the op's full-vector loop, and
     * copied back. Keeping the loops free of masked twins halves their size, which keeps the JIT inlining the math.
     */
    /** Native, as the tensors are: a heap segment here would give the op's vector loops mixed type profiles. */
    private static final ThreadLocal<MemorySegment> TAIL =
            ThreadLocal.withInitial(() -> java.lang.foreign.Arena.ofAuto().allocate(4L * F.length(), 64));

    private static void tail(UnaryOp op, float p0, float p1, MemorySegment s, long so, MemorySegment d, long dO, long i,
                             long n) {
        MemorySegment buf = TAIL.get();
        MemorySegment.copy(s, so + 4 * i, buf, 0, 4 * (n - i));
        apply(op, new float[] {p0, p1}, buf, 0, buf, 0, F.length());
        MemorySegment.copy(buf, 0, d, dO + 4 * i, 4 * (n - i));
    }

    private static void relu(MemorySegment s, long so, MemorySegment d, long dO, long n) {
        int l = F.length();
        long i = 0;
        // Four vectors a step: 1.7x one on cached data (45 against 26 GB/s read and written), whose speed the loop's
        // own work, not memory, bounds; after a oneDNN convolution this pass is most of what Relu costs.
        for (; i + 4 * l <= n; i += 4 * l) {
            FloatVector x = FloatVector.fromMemorySegment(F, s, so + 4 * i, NATIVE);
            FloatVector y = FloatVector.fromMemorySegment(F, s, so + 4 * (i + l), NATIVE);
            FloatVector z = FloatVector.fromMemorySegment(F, s, so + 4 * (i + 2 * l), NATIVE);
            FloatVector w = FloatVector.fromMemorySegment(F, s, so + 4 * (i + 3 * l), NATIVE);
            x.max(0f).intoMemorySegment(d, dO + 4 * i, NATIVE);
            y.max(0f).intoMemorySegment(d, dO + 4 * (i + l), NATIVE);
            z.max(0f).intoMemorySegment(d, dO + 4 * (i + 2 * l), NATIVE);
            w.max(0f).intoMemorySegment(d, dO + 4 * (i + 3 * l), NATIVE);
        }
        for (; i + l <= n; i += l) {
            FloatVector.fromMemorySegment(F, s, so + 4 * i, NATIVE).max(0f).intoMemorySegment(d, dO + 4 * i, NATIVE);
        }
        if (i < n) tail(UnaryOp.RELU, 0, 0, s, so, d, dO, i, n);
    }

    private static void clip(MemorySegment s, long so, MemorySegment d, long dO, long n, float lo, float hi) {
        int l = F.length();
        long i = 0;
        for (; i + 4 * l <= n; i += 4 * l) { // four vectors a step, as relu
            FloatVector x = FloatVector.fromMemorySegment(F, s, so + 4 * i, NATIVE);
            FloatVector y = FloatVector.fromMemorySegment(F, s, so + 4 * (i + l), NATIVE);
            FloatVector z = FloatVector.fromMemorySegment(F, s, so + 4 * (i + 2 * l), NATIVE);
            FloatVector w = FloatVector.fromMemorySegment(F, s, so + 4 * (i + 3 * l), NATIVE);
            x.max(lo).min(hi).intoMemorySegment(d, dO + 4 * i, NATIVE);
            y.max(lo).min(hi).intoMemorySegment(d, dO + 4 * (i + l), NATIVE);
            z.max(lo).min(hi).intoMemorySegment(d, dO + 4 * (i + 2 * l), NATIVE);
            w.max(lo).min(hi).intoMemorySegment(d, dO + 4 * (i + 3 * l), NATIVE);
        }
        for (; i + l <= n; i += l) {
            FloatVector x = FloatVector.fromMemorySegment(F, s, so + 4 * i, NATIVE);
            (x.max(lo).min(hi)).intoMemorySegment(d, dO + 4 * i, NATIVE);
        }
        if (i < n) tail(UnaryOp.CLIP, lo, hi, s, so, d, dO, i, n);
    }

    private static void leakyRelu(MemorySegment s, long so, MemorySegment d, long dO, long n, float alpha) {
        long i = 0;
        for (; i + F.length() <= n; i += F.length()) {
            FloatVector x = FloatVector.fromMemorySegment(F, s, so + 4 * i, NATIVE);
            (x.blend(x.mul(alpha), x.lt(0f))).intoMemorySegment(d, dO + 4 * i, NATIVE);
        }
        if (i < n) tail(UnaryOp.LEAKY_RELU, alpha, 0, s, so, d, dO, i, n);
    }

    private static void sigmoid(MemorySegment s, long so, MemorySegment d, long dO, long n) {
        long i = 0;
        for (; i + F.length() <= n; i += F.length()) {
            FloatVector x = FloatVector.fromMemorySegment(F, s, so + 4 * i, NATIVE);
            (VectorMath.sigmoid(x)).intoMemorySegment(d, dO + 4 * i, NATIVE);
        }
        if (i < n) tail(UnaryOp.SIGMOID, 0, 0, s, so, d, dO, i, n);
    }

    private static void hardSigmoid(MemorySegment s, long so, MemorySegment d, long dO, long n, float a, float b) {
        long i = 0;
        for (; i + F.length() <= n; i += F.length()) {
            FloatVector x = FloatVector.fromMemorySegment(F, s, so + 4 * i, NATIVE);
            (x.fma(FloatVector.broadcast(F, a), FloatVector.broadcast(F, b)).min(1f).max(0f)).intoMemorySegment(d, dO + 4 * i, NATIVE);
        }
        if (i < n) tail(UnaryOp.HARD_SIGMOID, a, b, s, so, d, dO, i, n);
    }

    private static void hardSwish(MemorySegment s, long so, MemorySegment d, long dO, long n) {
        long i = 0;
        for (; i + F.length() <= n; i += F.length()) {
            FloatVector x = FloatVector.fromMemorySegment(F, s, so + 4 * i, NATIVE);
            (x.mul(x.fma(FloatVector.broadcast(F, 1f / 6), FloatVector.broadcast(F, 0.5f)).min(1f).max(0f))).intoMemorySegment(d, dO + 4 * i, NATIVE);
        }
        if (i < n) tail(UnaryOp.HARD_SWISH, 0, 0, s, so, d, dO, i, n);
    }

    private static void tanh(MemorySegment s, long so, MemorySegment d, long dO, long n) {
        long i = 0;
        for (; i + F.length() <= n; i += F.length()) {
            FloatVector x = FloatVector.fromMemorySegment(F, s, so + 4 * i, NATIVE);
            (VectorMath.tanh(x)).intoMemorySegment(d, dO + 4 * i, NATIVE);
        }
        if (i < n) tail(UnaryOp.TANH, 0, 0, s, so, d, dO, i, n);
    }

    private static void silu(MemorySegment s, long so, MemorySegment d, long dO, long n) {
        long i = 0;
        for (; i + F.length() <= n; i += F.length()) {
            FloatVector x = FloatVector.fromMemorySegment(F, s, so + 4 * i, NATIVE);
            (x.mul(VectorMath.sigmoid(x))).intoMemorySegment(d, dO + 4 * i, NATIVE);
        }
        if (i < n) tail(UnaryOp.SILU, 0, 0, s, so, d, dO, i, n);
    }

    /**
     * Gelu in two vector passes per block of {@link #BLOCK} elements: the exps into a scratch block, then the rest.
     * One loop holding both exceeds the JIT's inlining budget, and a part left out of line boxes every vector.
     */
    private static void gelu(MemorySegment s, long so, MemorySegment d, long dO, long n) {
        float[] e = new float[BLOCK];
        long full = n - n % F.length();
        for (long i = 0; i < full; i += BLOCK) {
            geluBlock(s, so + 4 * i, d, dO + 4 * i, e, (int) Math.min(BLOCK, full - i));
        }
        if (full < n) tail(UnaryOp.GELU, 0, 0, s, so, d, dO, full, n);
    }

    // The two passes are two methods: the JIT's inlining budget is per method being compiled.
    private static void geluBlock(MemorySegment s, long so, MemorySegment d, long dO, float[] e, int n) {
        geluExps(s, so, e, n);
        geluFinish(s, so, d, dO, e, n);
    }

    private static void geluExps(MemorySegment s, long so, float[] e, int n) {
        for (int i = 0; i < n; i += F.length()) {
            FloatVector z = FloatVector.fromMemorySegment(F, s, so + 4L * i, NATIVE).mul(INV_SQRT2);
            VectorMath.exp(VectorMath.onePlusErfExponent(z)).intoArray(e, i);
        }
    }

    private static void geluFinish(MemorySegment s, long so, MemorySegment d, long dO, float[] e, int n) {
        for (int i = 0; i < n; i += F.length()) {
            FloatVector x = FloatVector.fromMemorySegment(F, s, so + 4L * i, NATIVE);
            x.mul(0.5f).mul(VectorMath.onePlusErfFinish(x.mul(INV_SQRT2), FloatVector.fromArray(F, e, i)))
                    .intoMemorySegment(d, dO + 4L * i, NATIVE);
        }
    }

    private static void geluTanh(MemorySegment s, long so, MemorySegment d, long dO, long n) {
        long i = 0;
        for (; i + F.length() <= n; i += F.length()) {
            FloatVector x = FloatVector.fromMemorySegment(F, s, so + 4 * i, NATIVE);
            (x.mul(VectorMath.sigmoid(x.mul(x).mul(x).fma(FloatVector.broadcast(F, 0.044715f), x).mul(2 * SQRT_2_OVER_PI)))).intoMemorySegment(d, dO + 4 * i, NATIVE);
        }
        if (i < n) tail(UnaryOp.GELU_TANH, 0, 0, s, so, d, dO, i, n);
    }

    private static void exp(MemorySegment s, long so, MemorySegment d, long dO, long n) {
        long i = 0;
        for (; i + F.length() <= n; i += F.length()) {
            FloatVector x = FloatVector.fromMemorySegment(F, s, so + 4 * i, NATIVE);
            (VectorMath.exp(x)).intoMemorySegment(d, dO + 4 * i, NATIVE);
        }
        if (i < n) tail(UnaryOp.EXP, 0, 0, s, so, d, dO, i, n);
    }

    private static void log(MemorySegment s, long so, MemorySegment d, long dO, long n) {
        long i = 0;
        for (; i + F.length() <= n; i += F.length()) {
            FloatVector x = FloatVector.fromMemorySegment(F, s, so + 4 * i, NATIVE);
            (VectorMath.log(x)).intoMemorySegment(d, dO + 4 * i, NATIVE);
        }
        if (i < n) tail(UnaryOp.LOG, 0, 0, s, so, d, dO, i, n);
    }

    private static void neg(MemorySegment s, long so, MemorySegment d, long dO, long n) {
        long i = 0;
        for (; i + F.length() <= n; i += F.length()) {
            FloatVector x = FloatVector.fromMemorySegment(F, s, so + 4 * i, NATIVE);
            (x.neg()).intoMemorySegment(d, dO + 4 * i, NATIVE);
        }
        if (i < n) tail(UnaryOp.NEG, 0, 0, s, so, d, dO, i, n);
    }

    private static void abs(MemorySegment s, long so, MemorySegment d, long dO, long n) {
        long i = 0;
        for (; i + F.length() <= n; i += F.length()) {
            FloatVector x = FloatVector.fromMemorySegment(F, s, so + 4 * i, NATIVE);
            (x.abs()).intoMemorySegment(d, dO + 4 * i, NATIVE);
        }
        if (i < n) tail(UnaryOp.ABS, 0, 0, s, so, d, dO, i, n);
    }

    private static void sqrt(MemorySegment s, long so, MemorySegment d, long dO, long n) {
        long i = 0;
        for (; i + F.length() <= n; i += F.length()) {
            FloatVector x = FloatVector.fromMemorySegment(F, s, so + 4 * i, NATIVE);
            (x.sqrt()).intoMemorySegment(d, dO + 4 * i, NATIVE);
        }
        if (i < n) tail(UnaryOp.SQRT, 0, 0, s, so, d, dO, i, n);
    }

    private static void reciprocal(MemorySegment s, long so, MemorySegment d, long dO, long n) {
        long i = 0;
        for (; i + F.length() <= n; i += F.length()) {
            FloatVector x = FloatVector.fromMemorySegment(F, s, so + 4 * i, NATIVE);
            (FloatVector.broadcast(F, 1f).div(x)).intoMemorySegment(d, dO + 4 * i, NATIVE);
        }
        if (i < n) tail(UnaryOp.RECIPROCAL, 0, 0, s, so, d, dO, i, n);
    }

    private static void erf(MemorySegment s, long so, MemorySegment d, long dO, long n) {
        long i = 0;
        for (; i + F.length() <= n; i += F.length()) {
            FloatVector x = FloatVector.fromMemorySegment(F, s, so + 4 * i, NATIVE);
            (VectorMath.erf(x)).intoMemorySegment(d, dO + 4 * i, NATIVE);
        }
        if (i < n) tail(UnaryOp.ERF, 0, 0, s, so, d, dO, i, n);
    }

    private static void softplus(MemorySegment s, long so, MemorySegment d, long dO, long n) {
        long i = 0;
        for (; i + F.length() <= n; i += F.length()) {
            FloatVector x = FloatVector.fromMemorySegment(F, s, so + 4 * i, NATIVE);
            (x.max(0f).add(VectorMath.log1pNonNegative(VectorMath.exp(x.abs().neg())))).intoMemorySegment(d, dO + 4 * i, NATIVE);
        }
        if (i < n) tail(UnaryOp.SOFTPLUS, 0, 0, s, so, d, dO, i, n);
    }
}
