package io.jengine.cpu.simd.conv;

/**
 * The shape of one 2-D NCHW convolution: input {@code batch x inC x inH x inW}, weights
 * {@code outC x (inC / group) x kH x kW}, output {@code batch x outC x outH x outW}. The output size follows ONNX's
 * explicit-pads rule {@code out = (in + padBegin + padEnd - ((k - 1) * dilation + 1)) / stride + 1}.
 *
 * <p>Every field is checked at construction, so a kernel that accepts a {@code ConvParams} can size its loops and
 * buffers from it without further checks; the products of sizes are checked against {@code Integer.MAX_VALUE} since
 * the kernels index float arrays and segments with them.
 */
public record ConvParams(int batch, int inC, int inH, int inW, int outC, int kH, int kW,
                         int strideH, int strideW, int padTop, int padLeft, int padBottom, int padRight,
                         int dilationH, int dilationW, int group) {

    public ConvParams {
        positive("batch", batch);
        positive("inC", inC);
        positive("inH", inH);
        positive("inW", inW);
        positive("outC", outC);
        positive("kH", kH);
        positive("kW", kW);
        positive("strideH", strideH);
        positive("strideW", strideW);
        positive("dilationH", dilationH);
        positive("dilationW", dilationW);
        positive("group", group);
        nonNegative("padTop", padTop);
        nonNegative("padLeft", padLeft);
        nonNegative("padBottom", padBottom);
        nonNegative("padRight", padRight);
        if (inC % group != 0 || outC % group != 0) {
            throw new IllegalArgumentException("group " + group + " must divide inC " + inC + " and outC " + outC);
        }
        long spanH = (long) (kH - 1) * dilationH + 1, spanW = (long) (kW - 1) * dilationW + 1;
        if ((long) inH + padTop + padBottom < spanH || (long) inW + padLeft + padRight < spanW) {
            throw new IllegalArgumentException("kernel extent " + spanH + "x" + spanW + " exceeds the padded input "
                    + ((long) inH + padTop + padBottom) + "x" + ((long) inW + padLeft + padRight));
        }
        fits("input", (long) batch * inC * inH * inW);
        fits("weights", (long) outC * (inC / group) * kH * kW);
        fits("output", (long) batch * outC * outSize(inH, padTop, padBottom, spanH, strideH)
                * outSize(inW, padLeft, padRight, spanW, strideW));
    }

    /** A square-kernel convolution with one stride, one dilation and the same pad on every side. */
    public static ConvParams of(int batch, int inC, int inH, int inW, int outC, int k, int stride, int pad,
                                int dilation, int group) {
        return new ConvParams(batch, inC, inH, inW, outC, k, k, stride, stride, pad, pad, pad, pad, dilation, dilation,
                group);
    }

    public int outH() { return (int) outSize(inH, padTop, padBottom, (long) (kH - 1) * dilationH + 1, strideH); }

    public int outW() { return (int) outSize(inW, padLeft, padRight, (long) (kW - 1) * dilationW + 1, strideW); }

    /** Elements of the input tensor. */
    public long inputSize() { return (long) batch * inC * inH * inW; }

    /** Elements of the weight tensor. */
    public long weightSize() { return (long) outC * (inC / group) * kH * kW; }

    /** Elements of the output tensor (and of a residual added to it). */
    public long outputSize() { return (long) batch * outC * outH() * outW(); }

    /** Multiply-adds of the direct convolution: what effective GFLOP/s are counted against (times two). */
    public long directMacs() { return outputSize() * (inC / group) * kH * kW; }

    private static long outSize(int in, int padBegin, int padEnd, long span, int stride) {
        return ((long) in + padBegin + padEnd - span) / stride + 1;
    }

    private static void positive(String name, int v) {
        if (v <= 0) throw new IllegalArgumentException(name + " must be positive, got " + v);
    }

    private static void nonNegative(String name, int v) {
        if (v < 0) throw new IllegalArgumentException(name + " must be non-negative, got " + v);
    }

    private static void fits(String what, long elements) {
        if (elements > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(what + " has " + elements + " elements, more than " + Integer.MAX_VALUE);
        }
    }
}
