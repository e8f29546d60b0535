package io.jengine.cpu.simd;

import io.jengine.spi.IntraOpPool;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * A 2-D NCHW float32 transposed convolution as a GEMM and a col2im: for each (image, group), {@code cols[M/g * kH *
 * kW, H * W] = W_g^T * X_g} with the weights packed once, then every column entry is added to the output pixel its
 * tap lands on, then bias and activation. When the kernel tiles the output exactly (stride equal to the kernel,
 * no dilation, no padding, no output padding) each output pixel takes exactly one entry: the bias and activation go
 * into the GEMM's store and the col2im is a pure interleaving copy. Immutable once prepared; concurrent runs may
 * share it (the columns live in per-thread scratch).
 */
final class ConvTransposeGemm {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED;

    private final ConvTransposeShape s;
    private final PackedA[] weights;
    private final float[] bias;
    private final Activation activation;
    private final boolean tiles;
    private final ThreadLocal<MemorySegment> scratch = new ThreadLocal<>();
    /** Each pool thread's row or plane buffer for the scatter and col2im steps, grown to the largest asked for. */
    private static final ThreadLocal<float[]> PLANE = ThreadLocal.withInitial(() -> new float[0]);

    private static float[] plane(int n) {
        float[] p = PLANE.get();
        if (p.length < n) {
            p = new float[n];
            PLANE.set(p);
        }
        return p;
    }

    ConvTransposeGemm(ConvTransposeShape s, float[] w, float[] bias, Activation activation) {
        this.s = s;
        this.bias = bias == null ? null : bias.clone();
        this.activation = activation == null ? Activation.NONE : activation;
        this.tiles = s.tiles();
        int cg = s.inCPerGroup(), rows = s.outCPerGroup() * s.taps();
        if (w.length != (long) s.inC() * rows) throw new IllegalArgumentException("weights need " + (long) s.inC() * rows + " values");
        Matrix all = Matrix.copyOf(w, s.inC(), rows);
        weights = new PackedA[s.group()];
        for (int g = 0; g < s.group(); g++) {
            // W_g is [inC/g, outC/g * kH * kW] row-major: its transpose is the GEMM's left operand.
            weights[g] = PackedA.pack(new Matrix(all.segment(), 4L * g * cg * rows, cg, rows, rows, false).transpose());
        }
    }

    boolean tiles() { return tiles; }

    /** y = act(convTranspose(x) + bias); x and y hold the whole batch from byte 0. */
    void run(MemorySegment x, MemorySegment y, int threads) {
        int cg = s.inCPerGroup(), mg = s.outCPerGroup(), rows = mg * s.taps(), plane = s.inH() * s.inW();
        MemorySegment cols = columns((long) rows * plane);
        Matrix c = Matrix.of(cols, 0, rows, plane);
        Epilogue e = Epilogue.NONE;
        if (tiles) {
            float[] rowBias = null;
            if (bias != null) rowBias = new float[rows];
            e = Epilogue.of(activation);
            for (int b = 0; b < s.batch(); b++) {
                for (int g = 0; g < s.group(); g++) {
                    if (rowBias != null) {
                        for (int m = 0; m < mg; m++) Arrays.fill(rowBias, m * s.taps(), (m + 1) * s.taps(), bias[g * mg + m]);
                    }
                    Matrix xg = Matrix.of(x, 4L * ((long) b * s.inC() + (long) g * cg) * plane, cg, plane);
                    Sgemm.multiply(weights[g], xg, c, rowBias == null ? e : e.withRowBias(rowBias), threads);
                    long outFirst = 4L * ((long) b * s.outC() + (long) g * mg) * s.outH() * s.outW();
                    scatterTiles(cols, y, outFirst, mg, threads);
                }
            }
            return;
        }
        for (int b = 0; b < s.batch(); b++) {
            for (int g = 0; g < s.group(); g++) {
                Matrix xg = Matrix.of(x, 4L * ((long) b * s.inC() + (long) g * cg) * plane, cg, plane);
                Sgemm.multiply(weights[g], xg, c, e, threads);
                long outFirst = 4L * ((long) b * s.outC() + (long) g * mg) * s.outH() * s.outW();
                col2im(cols, y, outFirst, g * mg, mg, threads);
            }
        }
    }

    /**
     * The calling thread's column buffer, native like every operand the GEMM and the Vector API see: a heap segment
     * reaching the same vector loads as the engine's native tensors makes the JIT's type profiles of those loads
     * mixed, and every kernel using them slower.
     */
    private MemorySegment columns(long n) {
        if (n > Integer.MAX_VALUE - 16) throw new IllegalArgumentException("transposed convolution columns too large: " + n);
        MemorySegment c = scratch.get();
        if (c == null || c.byteSize() < 4 * n) {
            c = java.lang.foreign.Arena.ofAuto().allocate(4 * n, 64);
            scratch.set(c);
        }
        return c;
    }

    /** The exact tiling: output row oh = ih * kH + kh interleaves the kW column rows of tap row kh. */
    private void scatterTiles(MemorySegment cols, MemorySegment y, long outFirst, int mg, int threads) {
        int inW = s.inW(), inH = s.inH(), kH = s.kH(), kW = s.kW(), outW = s.outW(), plane = inH * inW;
        long outPlane = (long) s.outH() * outW;
        int tasks = (int) Math.min((long) mg * inH, 4L * threads);
        long units = (long) mg * inH;
        IntraOpPool.shared().parallelFor(threads, tasks, t -> {
            float[] row = plane(outW);
            for (long u = units * t / tasks; u < units * (t + 1) / tasks; u++) {
                int m = (int) (u / inH), ih = (int) (u % inH);
                for (int kh = 0; kh < kH; kh++) {
                    int base = (m * kH + kh) * kW * plane + ih * inW;
                    if (kW == 2) {
                        int r0 = base, r1 = base + plane;
                        for (int iw = 0; iw < inW; iw++) {
                            row[2 * iw] = cols.getAtIndex(FLOAT, r0 + iw);
                            row[2 * iw + 1] = cols.getAtIndex(FLOAT, r1 + iw);
                        }
                    } else {
                        for (int kw = 0; kw < kW; kw++) {
                            int r = base + kw * plane;
                            for (int iw = 0; iw < inW; iw++) row[iw * kW + kw] = cols.getAtIndex(FLOAT, r + iw);
                        }
                    }
                    long off = outFirst + 4L * (m * outPlane + (long) (ih * kH + kh) * outW);
                    MemorySegment.copy(row, 0, y, FLOAT, off, outW);
                }
            }
        });
    }

    /** The general col2im: each output plane accumulated in scratch, then bias and activation, then stored. */
    private void col2im(MemorySegment cols, MemorySegment y, long outFirst, int firstChannel, int mg, int threads) {
        int inW = s.inW(), inH = s.inH(), outH = s.outH(), outW = s.outW(), plane = inH * inW;
        int outPlane = outH * outW;
        int tasks = Math.min(mg, 4 * threads);
        IntraOpPool.shared().parallelFor(threads, tasks, t -> {
            int accLength = (outPlane + S.length() - 1) / S.length() * S.length();
            float[] acc = plane(accLength);
            for (int m = mg * t / tasks; m < mg * (t + 1) / tasks; m++) {
                Arrays.fill(acc, 0, accLength, 0f);
                for (int kh = 0; kh < s.kH(); kh++) {
                    for (int kw = 0; kw < s.kW(); kw++) {
                        int r = ((m * s.kH() + kh) * s.kW() + kw) * plane;
                        int ow0 = kw * s.dilW() - s.padLeft();
                        int iwLo = (int) Math.max(0, Math.ceilDiv(-ow0, s.strideW()));
                        int iwHi = (int) Math.min(inW, Math.floorDiv(outW - 1 - ow0, s.strideW()) + 1);
                        if (iwLo >= iwHi) continue;
                        for (int ih = 0; ih < inH; ih++) {
                            int oh = ih * s.strideH() + kh * s.dilH() - s.padTop();
                            if (oh < 0 || oh >= outH) continue;
                            int src = r + ih * inW, dst = oh * outW + ow0;
                            if (s.strideW() == 1) {
                                for (int iw = iwLo; iw < iwHi; iw++) acc[dst + iw] += cols.getAtIndex(FLOAT, src + iw);
                            } else {
                                int sw = s.strideW();
                                for (int iw = iwLo; iw < iwHi; iw++) acc[dst + iw * sw] += cols.getAtIndex(FLOAT, src + iw);
                            }
                        }
                    }
                }
                float bv = bias == null ? 0f : bias[firstChannel + m];
                int i = 0;
                for (; i + S.length() <= outPlane; i += S.length()) {
                    FloatVector v = FloatVector.fromArray(S, acc, i);
                    if (bias != null) v = v.add(bv);
                    activation.apply(v).intoArray(acc, i);
                }
                for (; i < outPlane; i++) acc[i] = activation.apply(bias == null ? acc[i] : acc[i] + bv);
                MemorySegment.copy(acc, 0, y, FLOAT, outFirst + 4L * m * outPlane, outPlane);
            }
        });
    }
}
