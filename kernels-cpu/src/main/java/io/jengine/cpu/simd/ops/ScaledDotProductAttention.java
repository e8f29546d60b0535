package io.jengine.cpu.simd.ops;

import static io.jengine.cpu.simd.ops.VectorMath.F;
import io.jengine.spi.IntraOpPool;
import io.jengine.tensor.Shapes;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;

/**
 * {@code jengine.ScaledDotProductAttention} in float32: softmax((Q sq)(Kᵀ sk) + mask) V over the last axis, with NaN
 * probabilities replaced by nan_value when the node has one. Q is [..., S, D], Kᵀ [..., D, Sk] (the layout the
 * optimizer keeps), V [..., Sk, Dv], the leading dims equal (batch and heads); the optional mask broadcasts to the
 * scores [..., S, Sk]. One query row at a time: its scores are a vector sum over D of Kᵀ rows (contiguous along
 * Sk), then a softmax in place, then a vector sum over Sk of V rows (contiguous along Dv). Threaded over the rows of
 * all heads.
 */
public final class ScaledDotProductAttention {
    private static final ByteOrder NATIVE = ByteOrder.nativeOrder();
    /** Query rows computed together: each K and V vector loaded serves all of them. */
    private static final int ROWS = 4;

    private final long batch;
    private final int s, d, sk, dv;
    private final float scale;
    private final Float nanValue;
    private final long[] outShape;
    /** Element strides of the mask through the flattened leading dims, its rows and its columns; null: no mask. */
    private final long[] maskBatchStrides, leading;
    private final long maskRowStride, maskColStride, maskSize;

    /**
     * Prepares for the given shapes; {@code maskShape} null when there is no mask, {@code nanValue} null when the
     * node has no nan_value attribute.
     */
    public ScaledDotProductAttention(long[] qShape, long[] kTShape, long[] vShape, long[] maskShape, float qScale,
                                     float kScale, Float nanValue) {
        int r = qShape.length;
        if (r < 2 || kTShape.length != r || vShape.length != r) {
            throw new IllegalArgumentException("Q, Kᵀ and V must have one rank of at least 2, got "
                    + Shapes.format(qShape) + ", " + Shapes.format(kTShape) + " and " + Shapes.format(vShape));
        }
        this.leading = Arrays.copyOf(qShape, r - 2);
        if (!Arrays.equals(leading, Arrays.copyOf(kTShape, r - 2)) || !Arrays.equals(leading, Arrays.copyOf(vShape, r - 2))) {
            throw new IllegalArgumentException("Q, Kᵀ and V must share their leading dims, got " + Shapes.format(qShape)
                    + ", " + Shapes.format(kTShape) + " and " + Shapes.format(vShape));
        }
        if (kTShape[r - 2] != qShape[r - 1]) {
            throw new IllegalArgumentException("Kᵀ " + Shapes.format(kTShape) + " must have " + qShape[r - 1]
                    + " rows (Q's depth), got " + kTShape[r - 2]);
        }
        if (vShape[r - 2] != kTShape[r - 1]) {
            throw new IllegalArgumentException("V " + Shapes.format(vShape) + " must have " + kTShape[r - 1]
                    + " rows (the key length), got " + vShape[r - 2]);
        }
        this.batch = Shapes.size(leading);
        this.s = Math.toIntExact(qShape[r - 2]);
        this.d = Math.toIntExact(qShape[r - 1]);
        this.sk = Math.toIntExact(kTShape[r - 1]);
        this.dv = Math.toIntExact(vShape[r - 1]);
        this.scale = qScale * kScale;
        this.nanValue = nanValue;
        this.outShape = vShape.clone();
        outShape[r - 2] = s;
        if (maskShape == null) {
            maskBatchStrides = null;
            maskRowStride = maskColStride = maskSize = 0;
        } else {
            long[] scores = qShape.clone();
            scores[r - 1] = sk;
            if (maskShape.length > r || !Arrays.equals(Shapes.broadcast(scores, maskShape), scores)) {
                throw new IllegalArgumentException("mask " + Shapes.format(maskShape) + " does not broadcast to the scores "
                        + Shapes.format(scores));
            }
            long[] st = Shapes.broadcastStrides(maskShape, scores);
            maskBatchStrides = Arrays.copyOf(st, r - 2);
            maskRowStride = st[r - 2];
            maskColStride = st[r - 1];
            maskSize = Shapes.size(maskShape);
        }
    }

    /**
     * A thread's score rows, padded to whole vectors (the softmax and P.V loops need no tails); made once per thread
     * so that a run allocates nothing.
     */
    private final ThreadLocal<float[][]> scores = ThreadLocal.withInitial(this::newScores);

    private float[][] newScores() {
        return new float[ROWS][Math.ceilDiv(sk, F.length()) * F.length()];
    }

    public long[] outShape() { return outShape.clone(); }

    /** Runs over Q, Kᵀ, V (and the mask, or null) from their byte offsets into y. y must not overlap an input. */
    public void run(MemorySegment q, long qOff, MemorySegment kT, long kOff, MemorySegment v, long vOff,
                    MemorySegment mask, long maskOff, MemorySegment y, long yOff, int threads) {
        SegmentBounds.checkThreads(threads);
        long rows = batch * s;
        SegmentBounds.checkFloats("attention Q", q, qOff, rows * d);
        SegmentBounds.checkFloats("attention Kᵀ", kT, kOff, batch * d * sk);
        SegmentBounds.checkFloats("attention V", v, vOff, batch * sk * dv);
        SegmentBounds.checkFloats("attention output", y, yOff, rows * dv);
        if ((mask == null) != (maskBatchStrides == null)) {
            throw new IllegalArgumentException("attention was prepared " + (mask == null ? "with" : "without")
                    + " a mask, but run " + (mask == null ? "without" : "with") + " one");
        }
        if (mask != null) SegmentBounds.checkFloats("attention mask", mask, maskOff, maskSize);
        MemorySegment out = y.asSlice(yOff, 4 * rows * dv);
        for (MemorySegment in : new MemorySegment[] {q.asSlice(qOff, 4 * rows * d), kT.asSlice(kOff, 4 * batch * d * sk),
                v.asSlice(vOff, 4 * batch * sk * dv)}) {
            if (in.asOverlappingSlice(out).isPresent()) throw new IllegalArgumentException("attention output overlaps an input");
        }
        if (rows == 0) return;
        int tasks = TaskRanges.tasks(rows, threads);
        IntraOpPool.shared().parallelFor(threads, tasks, t -> {
            float[][] sc = scores.get();
            long end = TaskRanges.start(rows, tasks, t + 1);
            for (long row = TaskRanges.start(rows, tasks, t); row < end; ) {
                long b = row / s;
                int i = (int) (row % s), n = (int) Math.min(ROWS, Math.min(end - row, s - i));
                long ko = kOff + 4 * b * d * sk, vo = vOff + 4 * b * sk * dv;
                int from = n == ROWS ? scores4(q, qOff + 4 * row * d, kT, ko, sc) : 0;
                for (int r = 0; r < n; r++) {
                    scores(q, qOff + 4 * (row + r) * d, kT, ko, sc[r], from);
                    if (mask != null) addMask(mask, maskOff + 4 * (maskBase(b) + (i + r) * maskRowStride), sc[r]);
                    softmax(sc[r]);
                }
                from = n == ROWS ? weightedValues4(sc, v, vo, y, yOff + 4 * row * dv) : 0;
                for (int r = 0; r < n; r++) weightedValues(sc[r], v, vo, y, yOff + 4 * (row + r) * dv, from);
                row += n;
            }
        });
    }

    private long maskBase(long b) {
        long off = 0;
        for (int i = leading.length - 1; i >= 0; i--) {
            off += (b % leading[i]) * maskBatchStrides[i];
            b /= leading[i];
        }
        return off;
    }

    /**
     * scores[j] = scale * sum_d q[d] kT[d][j], vectorized along j: four vectors of j at a time accumulate over all of
     * d in registers (one broadcast and four loads per four FMAs), then single vectors, then one masked tail.
     */
    private void scores(MemorySegment q, long qo, MemorySegment kT, long ko, float[] scores, int from) {
        int l = F.length(), j = from;
        for (; j + 4 * l <= sk; j += 4 * l) {
            FloatVector a0 = FloatVector.zero(F), a1 = a0, a2 = a0, a3 = a0;
            long at = ko + 4L * j;
            for (int c = 0; c < d; c++, at += 4L * sk) {
                FloatVector qc = FloatVector.broadcast(F, q.get(ValueLayout.JAVA_FLOAT_UNALIGNED, qo + 4L * c));
                a0 = FloatVector.fromMemorySegment(F, kT, at, NATIVE).fma(qc, a0);
                a1 = FloatVector.fromMemorySegment(F, kT, at + 4L * l, NATIVE).fma(qc, a1);
                a2 = FloatVector.fromMemorySegment(F, kT, at + 8L * l, NATIVE).fma(qc, a2);
                a3 = FloatVector.fromMemorySegment(F, kT, at + 12L * l, NATIVE).fma(qc, a3);
            }
            a0.mul(scale).intoArray(scores, j);
            a1.mul(scale).intoArray(scores, j + l);
            a2.mul(scale).intoArray(scores, j + 2 * l);
            a3.mul(scale).intoArray(scores, j + 3 * l);
        }
        for (; j < sk; j += l) {
            VectorMask<Float> m = F.indexInRange(j, sk);
            FloatVector acc = FloatVector.zero(F);
            long at = ko + 4L * j;
            for (int c = 0; c < d; c++, at += 4L * sk) {
                FloatVector qc = FloatVector.broadcast(F, q.get(ValueLayout.JAVA_FLOAT_UNALIGNED, qo + 4L * c));
                acc = FloatVector.fromMemorySegment(F, kT, at, NATIVE, m).fma(qc, acc);
            }
            acc.mul(scale).intoArray(scores, j, m);
        }
    }

    /**
     * The scores of {@value #ROWS} consecutive query rows of one head, two vectors of keys at a time: each Kᵀ vector
     * loaded once serves every row (eight FMA chains, two loads and four broadcasts per eight FMAs). Each score is the
     * same sum in the same order as {@link #scores} computes. Returns the first key column left to compute.
     */
    private int scores4(MemorySegment q, long qo, MemorySegment kT, long ko, float[][] sc) {
        int l = F.length(), j = 0;
        long rowBytes = 4L * d;
        for (; j + 2 * l <= sk; j += 2 * l) {
            FloatVector a00 = FloatVector.zero(F), a01 = a00, a10 = a00, a11 = a00, a20 = a00, a21 = a00, a30 = a00,
                    a31 = a00;
            long at = ko + 4L * j, qc = qo;
            for (int c = 0; c < d; c++, at += 4L * sk, qc += 4) {
                FloatVector k0 = FloatVector.fromMemorySegment(F, kT, at, NATIVE);
                FloatVector k1 = FloatVector.fromMemorySegment(F, kT, at + 4L * l, NATIVE);
                FloatVector q0 = FloatVector.broadcast(F, q.get(ValueLayout.JAVA_FLOAT_UNALIGNED, qc));
                FloatVector q1 = FloatVector.broadcast(F, q.get(ValueLayout.JAVA_FLOAT_UNALIGNED, qc + rowBytes));
                FloatVector q2 = FloatVector.broadcast(F, q.get(ValueLayout.JAVA_FLOAT_UNALIGNED, qc + 2 * rowBytes));
                FloatVector q3 = FloatVector.broadcast(F, q.get(ValueLayout.JAVA_FLOAT_UNALIGNED, qc + 3 * rowBytes));
                a00 = k0.fma(q0, a00);
                a01 = k1.fma(q0, a01);
                a10 = k0.fma(q1, a10);
                a11 = k1.fma(q1, a11);
                a20 = k0.fma(q2, a20);
                a21 = k1.fma(q2, a21);
                a30 = k0.fma(q3, a30);
                a31 = k1.fma(q3, a31);
            }
            a00.mul(scale).intoArray(sc[0], j);
            a01.mul(scale).intoArray(sc[0], j + l);
            a10.mul(scale).intoArray(sc[1], j);
            a11.mul(scale).intoArray(sc[1], j + l);
            a20.mul(scale).intoArray(sc[2], j);
            a21.mul(scale).intoArray(sc[2], j + l);
            a30.mul(scale).intoArray(sc[3], j);
            a31.mul(scale).intoArray(sc[3], j + l);
        }
        return j;
    }

    /**
     * P.V for {@value #ROWS} consecutive rows, two vectors of value columns at a time: each V vector loaded once
     * serves every row. Each output is the same sum in the same order as {@link #weightedValues} computes. Returns the
     * first value column left to compute.
     */
    private int weightedValues4(float[][] p, MemorySegment v, long vo, MemorySegment y, long yo) {
        int l = F.length(), c = 0;
        float[] p0 = p[0], p1 = p[1], p2 = p[2], p3 = p[3];
        long rowBytes = 4L * dv;
        for (; c + 2 * l <= dv; c += 2 * l) {
            FloatVector a00 = FloatVector.zero(F), a01 = a00, a10 = a00, a11 = a00, a20 = a00, a21 = a00, a30 = a00,
                    a31 = a00;
            long at = vo + 4L * c;
            for (int j = 0; j < sk; j++, at += rowBytes) {
                FloatVector v0 = FloatVector.fromMemorySegment(F, v, at, NATIVE);
                FloatVector v1 = FloatVector.fromMemorySegment(F, v, at + 4L * l, NATIVE);
                FloatVector b0 = FloatVector.broadcast(F, p0[j]), b1 = FloatVector.broadcast(F, p1[j]);
                FloatVector b2 = FloatVector.broadcast(F, p2[j]), b3 = FloatVector.broadcast(F, p3[j]);
                a00 = v0.fma(b0, a00);
                a01 = v1.fma(b0, a01);
                a10 = v0.fma(b1, a10);
                a11 = v1.fma(b1, a11);
                a20 = v0.fma(b2, a20);
                a21 = v1.fma(b2, a21);
                a30 = v0.fma(b3, a30);
                a31 = v1.fma(b3, a31);
            }
            long o = yo + 4L * c;
            a00.intoMemorySegment(y, o, NATIVE);
            a01.intoMemorySegment(y, o + 4L * l, NATIVE);
            a10.intoMemorySegment(y, o + rowBytes, NATIVE);
            a11.intoMemorySegment(y, o + rowBytes + 4L * l, NATIVE);
            a20.intoMemorySegment(y, o + 2 * rowBytes, NATIVE);
            a21.intoMemorySegment(y, o + 2 * rowBytes + 4L * l, NATIVE);
            a30.intoMemorySegment(y, o + 3 * rowBytes, NATIVE);
            a31.intoMemorySegment(y, o + 3 * rowBytes + 4L * l, NATIVE);
        }
        return c;
    }

    private void addMask(MemorySegment mask, long at, float[] scores) {
        int j = 0, full = F.loopBound(sk);
        if (maskColStride == 0) {
            FloatVector mv = FloatVector.broadcast(F, mask.get(ValueLayout.JAVA_FLOAT_UNALIGNED, at));
            for (; j < full; j += F.length()) FloatVector.fromArray(F, scores, j).add(mv).intoArray(scores, j);
            for (; j < sk; j++) scores[j] += mv.lane(0);
            return;
        }
        for (; j < full; j += F.length()) {
            FloatVector.fromArray(F, scores, j).add(FloatVector.fromMemorySegment(F, mask, at + 4L * j, NATIVE))
                    .intoArray(scores, j);
        }
        for (; j < sk; j++) scores[j] += mask.get(ValueLayout.JAVA_FLOAT_UNALIGNED, at + 4L * j);
    }

    /**
     * The softmax of scores[0, sk) in place, over whole vectors of the padded array, as {@link Softmax}:
     * exp(x - max) / sum, NaN wherever the row holds one. The pad lanes are set to -Inf first, so that they drop out
     * of the max and add exp(-Inf) = 0 to the sum without a masked tail (on AVX2 C2 leaves masked blends to the
     * Vector API's emulation, which allocates and runs many times slower); they end at 0.
     */
    private void softmax(float[] p) {
        if (sk == 0) return;
        int n = p.length, l = F.length();
        for (int j = sk; j < n; j++) p[j] = Float.NEGATIVE_INFINITY;
        FloatVector vmax = FloatVector.broadcast(F, Float.NEGATIVE_INFINITY);
        for (int j = 0; j < n; j += l) vmax = vmax.max(FloatVector.fromArray(F, p, j));
        float max = vmax.test(VectorOperators.IS_NAN).anyTrue() ? Float.NaN : vmax.reduceLanes(VectorOperators.MAX);
        FloatVector vm = FloatVector.broadcast(F, max), sum = FloatVector.zero(F);
        for (int j = 0; j < n; j += l) {
            FloatVector e = VectorMath.exp(FloatVector.fromArray(F, p, j).sub(vm));
            sum = sum.add(e);
            e.intoArray(p, j);
        }
        FloatVector total = FloatVector.broadcast(F, VectorMath.sumLanes(sum));
        for (int j = 0; j < n; j += l) FloatVector.fromArray(F, p, j).div(total).intoArray(p, j);
        if (nanValue == null) return;
        for (int j = 0; j < sk; j++) if (Float.isNaN(p[j])) p[j] = nanValue;
    }

    /**
     * out[c] = sum_j p[j] v[j][c], vectorized along c: four vectors of c at a time accumulate over all of j in
     * registers (four independent FMA chains, one broadcast per four FMAs), then single vectors, then a masked tail.
     * Each output is the same sum in the same order (j ascending, one FMA each) whichever loop computes it.
     */
    private void weightedValues(float[] p, MemorySegment v, long vo, MemorySegment y, long yo, int from) {
        int l = F.length(), c = from;
        for (; c + 4 * l <= dv; c += 4 * l) {
            FloatVector a0 = FloatVector.zero(F), a1 = a0, a2 = a0, a3 = a0;
            long at = vo + 4L * c;
            for (int j = 0; j < sk; j++, at += 4L * dv) {
                FloatVector pj = FloatVector.broadcast(F, p[j]);
                a0 = FloatVector.fromMemorySegment(F, v, at, NATIVE).fma(pj, a0);
                a1 = FloatVector.fromMemorySegment(F, v, at + 4L * l, NATIVE).fma(pj, a1);
                a2 = FloatVector.fromMemorySegment(F, v, at + 8L * l, NATIVE).fma(pj, a2);
                a3 = FloatVector.fromMemorySegment(F, v, at + 12L * l, NATIVE).fma(pj, a3);
            }
            a0.intoMemorySegment(y, yo + 4L * c, NATIVE);
            a1.intoMemorySegment(y, yo + 4L * (c + l), NATIVE);
            a2.intoMemorySegment(y, yo + 4L * (c + 2 * l), NATIVE);
            a3.intoMemorySegment(y, yo + 4L * (c + 3 * l), NATIVE);
        }
        for (; c < F.loopBound(dv); c += l) {
            FloatVector acc = FloatVector.zero(F);
            for (int j = 0; j < sk; j++) {
                acc = FloatVector.fromMemorySegment(F, v, vo + 4L * ((long) j * dv + c), NATIVE)
                        .fma(FloatVector.broadcast(F, p[j]), acc);
            }
            acc.intoMemorySegment(y, yo + 4L * c, NATIVE);
        }
        if (c < dv) {
            VectorMask<Float> m = F.indexInRange(c, dv);
            FloatVector acc = FloatVector.zero(F);
            for (int j = 0; j < sk; j++) {
                acc = FloatVector.fromMemorySegment(F, v, vo + 4L * ((long) j * dv + c), NATIVE, m)
                        .fma(FloatVector.broadcast(F, p[j]), acc);
            }
            acc.intoMemorySegment(y, yo + 4L * c, NATIVE, m);
        }
    }
}
