package io.jengine.cpu.simd;

import java.lang.foreign.MemorySegment;

/**
 * The geometry of a 2-D NCHW float32 convolution: input {@code [batch, inC, inH, inW]}, weights
 * {@code [outC, inC / group, kH, kW]}, output {@code [batch, outC, outH, outW]}. The constructor checks every field
 * and that the output is not empty, naming what is wrong.
 */
public record ConvShape(int batch, int inC, int inH, int inW, int outC, int kH, int kW, int strideH, int strideW,
        int padTop, int padLeft, int padBottom, int padRight, int dilH, int dilW, int group) {
    public ConvShape {
        positive("batch", batch);
        positive("inC", inC);
        positive("inH", inH);
        positive("inW", inW);
        positive("outC", outC);
        positive("kH", kH);
        positive("kW", kW);
        positive("strideH", strideH);
        positive("strideW", strideW);
        positive("dilH", dilH);
        positive("dilW", dilW);
        positive("group", group);
        if (padTop < 0 || padLeft < 0 || padBottom < 0 || padRight < 0) {
            throw new IllegalArgumentException("pads must be >= 0, got top " + padTop + ", left " + padLeft + ", bottom "
                    + padBottom + ", right " + padRight);
        }
        if (inC % group != 0 || outC % group != 0) {
            throw new IllegalArgumentException("inC " + inC + " and outC " + outC + " must both be multiples of group " + group);
        }
        long spanH = (long) dilH * (kH - 1) + 1, spanW = (long) dilW * (kW - 1) + 1;
        if (inH + padTop + padBottom < spanH || inW + padLeft + padRight < spanW) {
            throw new IllegalArgumentException("a " + kH + "x" + kW + " kernel with dilation " + dilH + "x" + dilW
                    + " spans " + spanH + "x" + spanW + ", more than the padded input "
                    + (inH + padTop + padBottom) + "x" + (inW + padLeft + padRight));
        }
        long k = (long) (inC / group) * kH * kW, n = (long) outH(inH, padTop, padBottom, spanH, strideH)
                * outH(inW, padLeft, padRight, spanW, strideW);
        if (k > Integer.MAX_VALUE / 8 || n > Integer.MAX_VALUE / 8) {
            throw new IllegalArgumentException("convolution too large: K " + k + ", output plane " + n);
        }
    }

    /** Square kernel, equal strides, symmetric pads, no dilation: the common case in model zoos. */
    public static ConvShape of(int batch, int inC, int inH, int inW, int outC, int k, int stride, int pad, int group) {
        return new ConvShape(batch, inC, inH, inW, outC, k, k, stride, stride, pad, pad, pad, pad, 1, 1, group);
    }

    private static void positive(String name, int v) {
        if (v < 1) throw new IllegalArgumentException(name + " must be >= 1, got " + v);
    }

    private static int outH(int in, int padA, int padB, long span, int stride) {
        return (int) ((in + padA + padB - span) / stride + 1);
    }

    public int outH() { return outH(inH, padTop, padBottom, (long) dilH * (kH - 1) + 1, strideH); }

    public int outW() { return outH(inW, padLeft, padRight, (long) dilW * (kW - 1) + 1, strideW); }

    /** Input channels one group reads. */
    public int inCPerGroup() { return inC / group; }

    /** Output channels one group writes: the M of each group's GEMM. */
    public int outCPerGroup() { return outC / group; }

    /** The depth of each group's GEMM: inC / group * kH * kW. */
    public int gemmK() { return inCPerGroup() * kH * kW; }

    /** Output pixels per channel: the N of each GEMM. */
    public int outPlane() { return outH() * outW(); }

    public long inputElements() { return (long) batch * inC * inH * inW; }

    public long outputElements() { return (long) batch * outC * outPlane(); }

    public long weightElements() { return (long) outC * gemmK(); }

    /** Fails unless the weights ({@code [outC, inC / group, kH, kW]}) and the bias (one per output channel, or null) fit. */
    void checkOperands(float[] weights, float[] bias) {
        if (weights == null || weights.length != weightElements()) {
            throw new IllegalArgumentException("weights need " + weightElements() + " values (outC " + outC
                    + " x " + inCPerGroup() + " x " + kH + " x " + kW + "), got "
                    + (weights == null ? "null" : weights.length));
        }
        if (bias != null && bias.length != outC) {
            throw new IllegalArgumentException("bias needs " + outC + " values (one per output channel), got " + bias.length);
        }
    }

    /**
     * Fails unless x (at byte xOff), y and the residual (null: none) hold this convolution's input and output, y
     * overlaps neither, and threads is at least 1: what a GEMM convolution checks before each run.
     */
    void checkRun(MemorySegment x, long xOff, MemorySegment y, long yOff, MemorySegment residual, long rOff, int threads) {
        checkBounds("input x", x, xOff, inputElements());
        checkBounds("output y", y, yOff, outputElements());
        if (residual != null) checkBounds("residual", residual, rOff, outputElements());
        if (threads < 1) throw new IllegalArgumentException("threads must be >= 1, got " + threads);
        long inBytes = 4 * inputElements(), outBytes = 4 * outputElements();
        Matrix.checkDisjoint("output y", y, yOff, outBytes, "input x", x, xOff, inBytes);
        if (residual != null) Matrix.checkDisjoint("output y", y, yOff, outBytes, "the residual", residual, rOff, outBytes);
    }

    private static void checkBounds(String what, MemorySegment s, long off, long elements) {
        if (s == null) throw new IllegalArgumentException(what + " segment is null");
        if (off < 0 || off + 4 * elements > s.byteSize()) {
            throw new IllegalArgumentException(what + " needs " + 4 * elements + " bytes from byte offset " + off
                    + ", the segment has " + s.byteSize());
        }
    }
}
