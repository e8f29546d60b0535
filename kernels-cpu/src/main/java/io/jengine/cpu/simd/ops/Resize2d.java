package io.jengine.cpu.simd.ops;

import static io.jengine.cpu.simd.ops.VectorMath.F;

import io.jengine.spi.IntraOpPool;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;

/**
 * Resize of NCHW float32 planes over H and W, nearest or bilinear, threaded over planes. The source indices and
 * weights of every output row and column are computed once (by the caller, from the ONNX attributes) and given here
 * as {@link Axis} tables; a run is then a gather per output column and a blend per output row.
 *
 * <p>Nearest copies elements, so it is exact. Bilinear resamples each needed input row horizontally once (two
 * gathers and a blend per output column) and blends the two rows an output row needs. A tap of weight zero is left
 * out rather than multiplied, as the reference does, so that an infinity or NaN it would read does not turn the
 * result into NaN.
 */
public final class Resize2d {
    private static final ByteOrder NATIVE = ByteOrder.nativeOrder();
    private static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED;

    /**
     * One axis' taps for each output coordinate: input indices {@code i0, i1} with weights {@code w0, w1}. Nearest
     * uses {@code i0} alone. For linear, {@code w0} is never zero; {@code w1} is zero where the output takes a single
     * input (then {@code i1 == i0}). Arrays are padded to a whole number of vectors (index 0, weights 0).
     */
    public record Axis(int in, int out, int[] i0, int[] i1, float[] w0, float[] w1) {
        /** Tables for {@code out} outputs; {@code w0}/{@code w1} null for nearest. */
        public static Axis of(int in, int out, int[] i0, int[] i1, float[] w0, float[] w1) {
            int padded = Math.max(F.length(), (out + F.length() - 1) / F.length() * F.length());
            int[] a = java.util.Arrays.copyOf(i0, padded), b = i1 == null ? null : java.util.Arrays.copyOf(i1, padded);
            float[] u = w0 == null ? null : java.util.Arrays.copyOf(w0, padded);
            float[] v = w1 == null ? null : java.util.Arrays.copyOf(w1, padded);
            for (int k = 0; k < out; k++) {
                if (i0[k] < 0 || i0[k] >= in || b != null && (b[k] < 0 || b[k] >= in)) {
                    throw new IllegalArgumentException("tap index outside [0, " + in + ") at output " + k);
                }
            }
            return new Axis(in, out, a, b, u, v);
        }
    }

    private final Axis rows, cols;
    private final boolean linear;
    private final int[] source;

    /**
     * Nearest when the axes carry no weights, bilinear otherwise. {@code source} gives the input plane of each output
     * plane (nearest over N and C), or is null when every output plane reads its own input plane.
     */
    public Resize2d(Axis rows, Axis cols, int[] source) {
        if ((rows.w0() == null) != (cols.w0() == null)) throw new IllegalArgumentException("both axes nearest or both linear");
        if (source != null) {
            for (int s : source) {
                if (s < 0 || s >= source.length) throw new IllegalArgumentException("source plane " + s + " out of range");
            }
        }
        this.rows = rows;
        this.cols = cols;
        this.linear = rows.w0() != null;
        this.source = source == null ? null : source.clone();
    }

    public long inPlane() { return (long) rows.in() * cols.in(); }

    public long outPlane() { return (long) rows.out() * cols.out(); }

    /** Resizes {@code planes} consecutive planes from byte {@code xOff} of x into y at {@code yOff}; no overlap. */
    public void run(MemorySegment x, long xOff, MemorySegment y, long yOff, long planes, int threads) {
        SegmentBounds.checkPositive("plane count", planes);
        if (source != null && source.length != planes) {
            throw new IllegalArgumentException("prepared for " + source.length + " planes, got " + planes);
        }
        SegmentBounds.checkFloats("resize input", x, xOff, Math.multiplyExact(planes, inPlane()));
        SegmentBounds.checkFloats("resize output", y, yOff, Math.multiplyExact(planes, outPlane()));
        if (x.asSlice(xOff, 4 * planes * inPlane()).asOverlappingSlice(y.asSlice(yOff, 4 * planes * outPlane())).isPresent()) {
            throw new IllegalArgumentException("resize output overlaps its input");
        }
        int tasks = TaskRanges.tasks(planes, threads);
        IntraOpPool.shared().parallelFor(threads, tasks, t -> {
            long p0 = TaskRanges.start(planes, tasks, t), p1 = TaskRanges.start(planes, tasks, t + 1);
            if (linear) {
                LinearScratch s = new LinearScratch(cols);
                for (long p = p0; p < p1; p++) linearPlane(x, xOff + 4 * in(p) * inPlane(), y, yOff + 4 * p * outPlane(), s);
            } else {
                float[] row = new float[cols.in()];
                for (long p = p0; p < p1; p++) nearestPlane(x, xOff + 4 * in(p) * inPlane(), y, yOff + 4 * p * outPlane(), row);
            }
        });
    }

    private long in(long p) { return source == null ? p : source[(int) p]; }

    private void nearestPlane(MemorySegment x, long xOff, MemorySegment y, long yOff, float[] row) {
        int inW = cols.in(), outW = cols.out(), vl = F.length();
        int[] ci = cols.i0();
        long rowBytes = 4L * outW;
        int prev = -1;
        for (int oy = 0; oy < rows.out(); oy++) {
            int r = rows.i0()[oy];
            long out = yOff + oy * rowBytes;
            if (r == prev) {
                MemorySegment.copy(y, out - rowBytes, y, out, rowBytes);
                continue;
            }
            prev = r;
            MemorySegment.copy(x, FLOAT, xOff + 4L * r * inW, row, 0, inW);
            int ox = 0;
            for (; ox + vl <= outW; ox += vl) {
                FloatVector.fromArray(F, row, 0, ci, ox).intoMemorySegment(y, out + 4L * ox, NATIVE);
            }
            for (; ox < outW; ox++) y.set(FLOAT, out + 4L * ox, row[ci[ox]]);
        }
    }

    /** Per-task buffers of the bilinear pass: one input row and two horizontally resampled rows with their ids. */
    private static final class LinearScratch {
        final float[] row;
        final float[][] h;
        final int[] id = {-1, -1};

        LinearScratch(Axis cols) {
            row = new float[cols.in()];
            h = new float[][] {new float[cols.i0().length], new float[cols.i0().length]};
        }
    }

    private void linearPlane(MemorySegment x, long xOff, MemorySegment y, long yOff, LinearScratch s) {
        s.id[0] = s.id[1] = -1;
        int outW = cols.out(), vl = F.length();
        for (int oy = 0; oy < rows.out(); oy++) {
            int r0 = rows.i0()[oy];
            float a0 = rows.w0()[oy], a1 = rows.w1()[oy];
            int r1 = a1 == 0 ? -1 : rows.i1()[oy];
            int s0 = s.id[0] == r0 ? 0 : s.id[1] == r0 ? 1 : s.id[0] == r1 ? 1 : 0;
            if (s.id[s0] != r0) horizontal(x, xOff, r0, s, s0);
            float[] h0 = s.h[s0];
            long out = yOff + 4L * oy * outW;
            if (r1 < 0) {
                int ox = 0;
                if (a0 == 1f) {
                    MemorySegment.copy(h0, 0, y, FLOAT, out, outW);
                    continue;
                }
                for (; ox + vl <= outW; ox += vl) {
                    FloatVector.fromArray(F, h0, ox).mul(a0).intoMemorySegment(y, out + 4L * ox, NATIVE);
                }
                if (ox < outW) {
                    VectorMask<Float> m = F.indexInRange(ox, outW);
                    FloatVector.fromArray(F, h0, ox).mul(a0).intoMemorySegment(y, out + 4L * ox, NATIVE, m);
                }
                continue;
            }
            int s1 = 1 - s0;
            if (s.id[s1] != r1) horizontal(x, xOff, r1, s, s1);
            float[] h1 = s.h[s1];
            int ox = 0;
            for (; ox + vl <= outW; ox += vl) {
                FloatVector v = FloatVector.fromArray(F, h0, ox).mul(a0);
                FloatVector.fromArray(F, h1, ox).fma(FloatVector.broadcast(F, a1), v).intoMemorySegment(y, out + 4L * ox, NATIVE);
            }
            if (ox < outW) {
                VectorMask<Float> m = F.indexInRange(ox, outW);
                FloatVector v = FloatVector.fromArray(F, h0, ox).mul(a0);
                FloatVector.fromArray(F, h1, ox).fma(FloatVector.broadcast(F, a1), v).intoMemorySegment(y, out + 4L * ox, NATIVE, m);
            }
        }
    }

    /** Resamples input row {@code r} along W into slot {@code slot} (all padded columns, so no tail handling). */
    private void horizontal(MemorySegment x, long xOff, int r, LinearScratch s, int slot) {
        int inW = cols.in(), vl = F.length();
        MemorySegment.copy(x, FLOAT, xOff + 4L * r * inW, s.row, 0, inW);
        float[] row = s.row, h = s.h[slot];
        int[] i0 = cols.i0(), i1 = cols.i1();
        float[] w0 = cols.w0(), w1 = cols.w1();
        for (int ox = 0; ox < h.length; ox += vl) {
            FloatVector b0 = FloatVector.fromArray(F, w0, ox), b1 = FloatVector.fromArray(F, w1, ox);
            FloatVector p1 = FloatVector.fromArray(F, row, 0, i1, ox).mul(b1);
            p1 = p1.blend(0f, b1.compare(VectorOperators.EQ, 0f));
            FloatVector.fromArray(F, row, 0, i0, ox).fma(b0, p1).intoArray(h, ox);
        }
        s.id[slot] = r;
    }
}
