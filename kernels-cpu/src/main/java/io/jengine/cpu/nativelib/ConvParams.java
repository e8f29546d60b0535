package io.jengine.cpu.nativelib;

/**
 * The geometry of a 2-D convolution on NCHW tensors, as the native tactics take it: input {@code [n, c, h, w]},
 * weights {@code [m, c / groups, kernelH, kernelW]} (ONNX's layout), output {@code [n, m, outH, outW]}. Dilation 1
 * means none (ONNX's convention; oneDNN counts from 0 and is converted where it is called). Checked on construction.
 */
public record ConvParams(int n, int c, int h, int w, int m, int kernelH, int kernelW, int strideH, int strideW,
                         int dilationH, int dilationW, int padTop, int padLeft, int padBottom, int padRight,
                         int groups) {

    public ConvParams {
        String[] names = {"n", "c", "h", "w", "m", "kernelH", "kernelW", "strideH", "strideW", "dilationH",
            "dilationW", "groups"};
        int[] values = {n, c, h, w, m, kernelH, kernelW, strideH, strideW, dilationH, dilationW, groups};
        for (int i = 0; i < names.length; i++) SegmentChecks.positive(names[i], values[i]);
        SegmentChecks.nonNegative("padTop", padTop);
        SegmentChecks.nonNegative("padLeft", padLeft);
        SegmentChecks.nonNegative("padBottom", padBottom);
        SegmentChecks.nonNegative("padRight", padRight);
        if (c % groups != 0 || m % groups != 0) {
            throw new IllegalArgumentException("groups=" + groups + " must divide input channels c=" + c
                    + " and output channels m=" + m);
        }
        long oh = outSize(h, kernelH, strideH, dilationH, padTop, padBottom);
        long ow = outSize(w, kernelW, strideW, dilationW, padLeft, padRight);
        if (oh <= 0 || ow <= 0) {
            throw new IllegalArgumentException("the dilated " + kernelH + "x" + kernelW + " kernel does not fit the "
                    + "padded " + h + "x" + w + " input: output would be " + oh + "x" + ow);
        }
        Math.multiplyExact(Math.multiplyExact((long) n * m, oh), ow); // element counts must fit a long
        Math.multiplyExact(Math.multiplyExact((long) n * c, h), (long) w);
    }

    /** Stride 1, no padding, no dilation, one group. */
    public static ConvParams of(int n, int c, int h, int w, int m, int kernelH, int kernelW) {
        return new ConvParams(n, c, h, w, m, kernelH, kernelW, 1, 1, 1, 1, 0, 0, 0, 0, 1);
    }

    /** A square kernel with the same stride, padding (all sides) and dilation both ways. */
    public static ConvParams square(int n, int c, int hw, int m, int kernel, int stride, int pad, int dilation,
                                    int groups) {
        return new ConvParams(n, c, hw, hw, m, kernel, kernel, stride, stride, dilation, dilation, pad, pad, pad, pad,
                groups);
    }

    public int outH() {
        return (int) outSize(h, kernelH, strideH, dilationH, padTop, padBottom);
    }

    public int outW() {
        return (int) outSize(w, kernelW, strideW, dilationW, padLeft, padRight);
    }

    public long srcElements() {
        return (long) n * c * h * w;
    }

    public long dstElements() {
        return (long) n * m * outH() * outW();
    }

    public long weightElements() {
        return (long) m * (c / groups) * kernelH * kernelW;
    }

    /** Products summed into each output element (before bias and post-ops). */
    public long termsPerOutput() {
        return (long) (c / groups) * kernelH * kernelW;
    }

    /** Multiply-adds counted twice: the usual GFLOP/s numerator. */
    public double flops() {
        return 2.0 * dstElements() * termsPerOutput();
    }

    private static long outSize(long in, long kernel, long stride, long dilation, long padBegin, long padEnd) {
        long span = (kernel - 1) * dilation + 1;
        long padded = in + padBegin + padEnd;
        return padded < span ? 0 : (padded - span) / stride + 1;
    }
}
