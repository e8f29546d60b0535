package io.jengine.cpu.simd.conv;

import io.jengine.spi.IntraOpPool;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
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
 * {@code Tolerance.float32Sum(kH kW, sum |w x|)}.
 */
public final class DepthwiseConv {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    private static final ByteOrder ORDER = ByteOrder.nativeOrder();
    private static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED;
    /** Output vectors accumulated together: enough independent FMA chains to hide their latency. */
    private static final int BLOCK = 4;

    private final ConvParams p;
    private final Epilogue epilogue;
    private final float[] w;
    private final int multiplier, outH, outW, vectors, paddedH, phaseW;

    private DepthwiseConv(ConvParams p, float[] w, Epilogue epilogue) {
        this.p = p;
        this.w = w;
        this.epilogue = epilogue;
        this.multiplier = p.outC() / p.inC();
        this.outH = p.outH();
        this.outW = p.outW();
        this.vectors = Math.ceilDiv(outW, L);
        this.paddedH = p.inH() + p.padTop() + p.padBottom();
        int paddedW = p.inW() + p.padLeft() + p.padRight();
        // Room for every column the last (partly unused) vector of a row may read, beyond the padded width.
        this.phaseW = Math.max(Math.ceilDiv(paddedW, p.strideW()),
                vectors * L + (p.kW() - 1) * p.dilationW() / p.strideW()) + 1;
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
        return new DepthwiseConv(p, weights.asSlice(0, p.weightSize() * Float.BYTES).toArray(ValueLayout.JAVA_FLOAT),
                epilogue);
    }

    public ConvParams params() { return p; }

    /** As {@link WinogradConv3x3#run}: input x, optional residual, output y, up to {@code threads} threads. */
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
        s.out = ConvScratch.atLeast(s.out, vectors * L);
        float[] pl = s.plane, out = s.out;
        Arrays.fill(pl, 0, paddedH * rowLen, 0f);
        int n = task / p.inC(), ic = task % p.inC(), inW = p.inW();
        for (int iy = 0; iy < p.inH(); iy++) {
            long off = (((long) n * p.inC() + ic) * p.inH() + iy) * inW * Float.BYTES;
            int row = (iy + p.padTop()) * rowLen;
            if (sw == 1) {
                WinogradConv3x3.copyRow(x, off, pl, row + p.padLeft(), inW);
            } else {
                for (int ix = 0, c = p.padLeft(); ix < inW; ix++, c++) {
                    pl[row + (c % sw) * phaseW + c / sw] = x.get(FLOAT, off + (long) ix * Float.BYTES);
                }
            }
        }
        int taps = p.kH() * p.kW();
        for (int oc = ic * multiplier; oc < (ic + 1) * multiplier; oc++) {
            for (int oy = 0; oy < outH; oy++) {
                row(pl, oc * taps, oy, out);
                epilogue.apply(out, 0, outW, oc, res, y, (((long) n * p.outC() + oc) * outH + oy) * outW);
            }
        }
    }

    /** out[ox] = sum over taps of w[tap] * input, for output row oy, all vectors of the row. */
    private void row(float[] pl, int w0, int oy, float[] out) {
        int kH = p.kH(), kW = p.kW(), sw = p.strideW(), dW = p.dilationW(), rowLen = sw * phaseW;
        int first = oy * p.strideH() * rowLen, rowStep = p.dilationH() * rowLen;
        int v = 0;
        for (; v + BLOCK <= vectors; v += BLOCK) {
            int ox = v * L;
            FloatVector a0 = FloatVector.zero(S), a1 = a0, a2 = a0, a3 = a0;
            for (int ky = 0, r = first; ky < kH; ky++, r += rowStep) {
                for (int kx = 0; kx < kW; kx++) {
                    int c = kx * dW, at = r + (c % sw) * phaseW + c / sw + ox;
                    FloatVector wv = FloatVector.broadcast(S, w[w0 + ky * kW + kx]);
                    a0 = FloatVector.fromArray(S, pl, at).fma(wv, a0);
                    a1 = FloatVector.fromArray(S, pl, at + L).fma(wv, a1);
                    a2 = FloatVector.fromArray(S, pl, at + 2 * L).fma(wv, a2);
                    a3 = FloatVector.fromArray(S, pl, at + 3 * L).fma(wv, a3);
                }
            }
            a0.intoArray(out, ox);
            a1.intoArray(out, ox + L);
            a2.intoArray(out, ox + 2 * L);
            a3.intoArray(out, ox + 3 * L);
        }
        for (; v < vectors; v++) {
            int ox = v * L;
            FloatVector a = FloatVector.zero(S);
            for (int ky = 0, r = first; ky < kH; ky++, r += rowStep) {
                for (int kx = 0; kx < kW; kx++) {
                    int c = kx * dW, at = r + (c % sw) * phaseW + c / sw + ox;
                    a = FloatVector.fromArray(S, pl, at).fma(FloatVector.broadcast(S, w[w0 + ky * kW + kx]), a);
                }
            }
            a.intoArray(out, ox);
        }
    }
}
