package io.jengine.cpu.simd.conv;

import io.jengine.spi.IntraOpPool;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * A depthwise NCHW float32 convolution (group == inC, outC a multiple of inC: output channel oc reads input channel
 * oc / (outC / inC)), any kernel size, strides, pads and dilations, computed directly, vectorized along the output
 * width, threaded over (image, input channel) planes, with the {@link Epilogue} fused.
 *
 * <p>Each input plane is first copied once into a zero-padded buffer whose rows are split by column phase (column
 * mod the horizontal stride): output column ox at tap kx then reads phase (kx d) mod s at position ox + (kx d) / s,
 * so consecutive outputs read consecutive floats at every stride, and the padding needs no tests in the loop. Each
 * output is the taps summed in a fixed order (rows, then columns) with one FMA each, so results do not depend on the
 * thread count; against the reference that is a float32 sum of kH kW products, within
 * {@code Tolerance.float32Sum(kH kW, sum |w x|)}. Instances are immutable and {@link #run} may be called concurrently.
 */
public final class DepthwiseConv {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    /** Output vectors accumulated together: enough independent FMA chains to hide their latency. */
    private static final int BLOCK = 4;
    /** Output rows computed together when a row is too narrow for BLOCK vectors. */
    private static final int ROWS = 4;

    private final ConvParams p;
    private final Epilogue epilogue;
    private final float[] w;
    /** Per tap (ky, kx), where its input for output column 0 of row 0 sits in the phase-split plane. */
    private final int[] tapOffsets;
    private final int multiplier, outH, outW, vectors, blocked, paddedH, phaseW;

    private DepthwiseConv(ConvParams p, float[] w, Epilogue epilogue) {
        this.p = p;
        this.w = w;
        this.epilogue = epilogue;
        this.multiplier = p.outC() / p.inC();
        this.outH = p.outH();
        this.outW = p.outW();
        this.vectors = Math.ceilDiv(outW, L);
        // Rows of three or more vectors run in whole blocks (the extra outputs are computed and dropped): a lone
        // vector's FMA chain waits on latency, four interleaved chains do not.
        this.blocked = vectors >= BLOCK - 1 ? Math.ceilDiv(vectors, BLOCK) * BLOCK : 0;
        this.paddedH = p.inH() + p.padTop() + p.padBottom();
        int paddedW = p.inW() + p.padLeft() + p.padRight();
        // Room for every column the last (partly unused) vector of a row may read, beyond the padded width.
        this.phaseW = Math.max(Math.ceilDiv(paddedW, p.strideW()),
                Math.max(vectors, blocked) * L + (p.kW() - 1) * p.dilationW() / p.strideW()) + 1;
        this.tapOffsets = tapOffsets();
    }

    private int[] tapOffsets() {
        int rowLen = p.strideW() * phaseW, sw = p.strideW();
        int[] t = new int[p.kH() * p.kW()];
        for (int ky = 0; ky < p.kH(); ky++) {
            for (int kx = 0; kx < p.kW(); kx++) {
                int c = kx * p.dilationW();
                t[ky * p.kW() + kx] = ky * p.dilationH() * rowLen + (c % sw) * phaseW + c / sw;
            }
        }
        return t;
    }

    /** Why {@code p} cannot run here, or null if it can. */
    public static String unsupportedReason(ConvParams p) {
        if (p.group() != p.inC()) return "group is " + p.group() + ", not inC = " + p.inC() + " (not depthwise)";
        return null;
    }

    /** Copies the weights ({@code outC x 1 x kH x kW} floats at the start of {@code weights}). */
    public static DepthwiseConv prepare(ConvParams p, MemorySegment weights, Epilogue epilogue) {
        String why = unsupportedReason(p);
        if (why != null) throw new IllegalArgumentException("depthwise convolution cannot run this: " + why);
        epilogue.checkChannels(p.outC());
        Segments.require("weights", weights, p.weightSize());
        return new DepthwiseConv(p, weights.asSlice(0, p.weightSize() * Float.BYTES).toArray(ValueLayout.JAVA_FLOAT_UNALIGNED),
                epilogue);
    }

    public ConvParams params() { return p; }

    /**
     * As {@link WinogradConv3x3#run}: input x, optional residual, output y (not overlapping x), up to {@code threads}
     * threads.
     */
    public void run(MemorySegment x, MemorySegment residual, MemorySegment y, int threads) {
        Segments.require("input", x, p.inputSize());
        Segments.require("output", y, p.outputSize());
        Segments.requireResidual(epilogue, residual, p.outputSize());
        if (threads < 1) throw new IllegalArgumentException("threads must be positive, got " + threads);
        IntraOpPool.shared().parallelFor(threads, p.batch() * p.inC(), task -> plane(task, x, residual, y));
    }

    /** Input plane {@code task} (image task / inC, channel task % inC) and the output channels that read it. */
    private void plane(int task, MemorySegment x, MemorySegment res, MemorySegment y) {
        ConvScratch s = ConvScratch.mine();
        int sw = p.strideW(), rowLen = sw * phaseW;
        s.plane = ConvScratch.atLeast(s.plane, paddedH * rowLen);
        s.out = ConvScratch.atLeast(s.out, Math.max(ROWS * vectors, blocked) * L);
        s.row = ConvScratch.atLeast(s.row, p.inW());
        float[] pl = s.plane, out = s.out, in = s.row;
        int n = task / p.inC(), ic = task % p.inC(), inW = p.inW(), padL = p.padLeft(), top = p.padTop();
        // Only the padding needs zeros; the buffer is shared and holds anything from the last plane.
        Arrays.fill(pl, 0, top * rowLen, 0f);
        Arrays.fill(pl, (top + p.inH()) * rowLen, paddedH * rowLen, 0f);
        for (int iy = 0; iy < p.inH(); iy++) {
            long off = (((long) n * p.inC() + ic) * p.inH() + iy) * inW * Float.BYTES;
            int row = (iy + top) * rowLen;
            if (sw == 1) {
                Arrays.fill(pl, row, row + padL, 0f);
                Segments.copyRow(x, off, pl, row + padL, inW);
                Arrays.fill(pl, row + padL + inW, row + rowLen, 0f);
            } else {
                Arrays.fill(pl, row, row + rowLen, 0f);
                Segments.copyRow(x, off, in, 0, inW);
                if (sw == 2) {
                    splitPairs(in, inW, padL, pl, row, phaseW);
                    continue;
                }
                // Padded column c = j sw + r goes to phase r at j (no division per element: it would dominate).
                for (int r = 0; r < sw; r++) {
                    int j = Math.ceilDiv(padL - r, sw), dst = row + r * phaseW;
                    for (int ix = j * sw + r - padL; ix < inW; ix += sw, j++) pl[dst + j] = in[ix];
                }
            }
        }
        int taps = p.kH() * p.kW();
        for (int oc = ic * multiplier; oc < (ic + 1) * multiplier; oc++) {
            int oy = 0;
            if (blocked == 0) {
                // Rows of one or two vectors: ROWS rows at once, so that several FMA chains hide their latency.
                for (; oy + ROWS <= outH; oy += ROWS) {
                    rows(pl, oc * taps, oy, out);
                    for (int r = 0; r < ROWS; r++) {
                        epilogue.apply(out, r * vectors * L, outW, oc, res, y,
                                (((long) n * p.outC() + oc) * outH + oy + r) * outW);
                    }
                }
            }
            for (; oy < outH; oy++) {
                row(pl, oc * taps, oy, out);
                epilogue.apply(out, 0, outW, oc, res, y, (((long) n * p.outC() + oc) * outH + oy) * outW);
            }
        }
    }

    private static final VectorShuffle<Float> EVENS = VectorShuffle.fromOp(S, i -> (2 * i) % L);
    private static final VectorShuffle<Float> ODDS = VectorShuffle.fromOp(S, i -> (2 * i + 1) % L);
    private static final VectorMask<Float> HIGH_HALF = VectorMask.fromLong(S, ((1L << L) - 1) & (-1L << (L / 2)));

    /**
     * Stride 2: padded column c = ix + padL of the input row goes to phase c % 2 at c / 2 (phase 0 from {@code row},
     * phase 1 {@code phaseW} further). Two vectors of input at a time from an even column: their even lanes are a
     * vector of phase 0, their odd lanes one of phase 1 (each lane permuted within its vector, the halves blended).
     */
    private static void splitPairs(float[] in, int inW, int padL, float[] pl, int row, int phaseW) {
        int ix = padL & 1;
        if (ix == 1) pl[row + phaseW + padL / 2] = in[0];
        int j = (ix + padL) / 2;
        for (; ix + 2 * L <= inW; ix += 2 * L, j += L) {
            FloatVector a = FloatVector.fromArray(S, in, ix), b = FloatVector.fromArray(S, in, ix + L);
            a.rearrange(EVENS).blend(b.rearrange(EVENS), HIGH_HALF).intoArray(pl, row + j);
            a.rearrange(ODDS).blend(b.rearrange(ODDS), HIGH_HALF).intoArray(pl, row + phaseW + j);
        }
        for (; ix < inW; ix++) {
            int c = ix + padL;
            pl[row + (c & 1) * phaseW + (c >> 1)] = in[ix];
        }
    }

    /**
     * {@link #row} for output rows oy .. oy + ROWS - 1 of a narrow plane (each row's vectors at out[r vectors L..]):
     * the rows' chains interleaved, each output the same taps summed in the same order.
     */
    private void rows(float[] pl, int w0, int oy, float[] out) {
        int taps = tapOffsets.length, rowStep = p.strideH() * p.strideW() * phaseW, first = oy * rowStep;
        int[] offs = tapOffsets;
        for (int v = 0; v < vectors; v++) {
            int ox = v * L;
            FloatVector a0 = FloatVector.zero(S), a1 = a0, a2 = a0, a3 = a0;
            for (int t = 0; t < taps; t++) {
                int at = first + offs[t] + ox;
                FloatVector wv = FloatVector.broadcast(S, w[w0 + t]);
                a0 = FloatVector.fromArray(S, pl, at).fma(wv, a0);
                a1 = FloatVector.fromArray(S, pl, at + rowStep).fma(wv, a1);
                a2 = FloatVector.fromArray(S, pl, at + 2 * rowStep).fma(wv, a2);
                a3 = FloatVector.fromArray(S, pl, at + 3 * rowStep).fma(wv, a3);
            }
            int rowOut = vectors * L;
            a0.intoArray(out, ox);
            a1.intoArray(out, rowOut + ox);
            a2.intoArray(out, 2 * rowOut + ox);
            a3.intoArray(out, 3 * rowOut + ox);
        }
    }

    /** out[ox] = sum over taps of w[tap] * input, for output row oy, all vectors of the row. */
    private void row(float[] pl, int w0, int oy, float[] out) {
        int taps = tapOffsets.length, first = oy * p.strideH() * p.strideW() * phaseW;
        int[] offs = tapOffsets;
        for (int v = 0; v + BLOCK <= blocked; v += BLOCK) {
            int ox = v * L;
            FloatVector a0 = FloatVector.zero(S), a1 = a0, a2 = a0, a3 = a0;
            for (int t = 0; t < taps; t++) {
                int at = first + offs[t] + ox;
                FloatVector wv = FloatVector.broadcast(S, w[w0 + t]);
                a0 = FloatVector.fromArray(S, pl, at).fma(wv, a0);
                a1 = FloatVector.fromArray(S, pl, at + L).fma(wv, a1);
                a2 = FloatVector.fromArray(S, pl, at + 2 * L).fma(wv, a2);
                a3 = FloatVector.fromArray(S, pl, at + 3 * L).fma(wv, a3);
            }
            a0.intoArray(out, ox);
            a1.intoArray(out, ox + L);
            a2.intoArray(out, ox + 2 * L);
            a3.intoArray(out, ox + 3 * L);
        }
        for (int v = blocked; v < vectors; v++) {
            int ox = v * L;
            FloatVector a = FloatVector.zero(S);
            for (int t = 0; t < taps; t++) {
                a = FloatVector.fromArray(S, pl, first + offs[t] + ox).fma(FloatVector.broadcast(S, w[w0 + t]), a);
            }
            a.intoArray(out, ox);
        }
    }
}
