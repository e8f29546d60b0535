package io.jengine.cpu.simd.ops;

/**
 * The window of a 2-D pool over one NCHW plane: input size, kernel, strides, dilations, explicit pads and the output
 * size they give. The output size follows the reference's {@code ConvGeometry} exactly: floor or (ceil_mode) ceil of
 * the room left for the window over the stride, plus one, and in ceil_mode a last window that would start inside the
 * end padding is dropped. auto_pad is resolved to explicit pads by the caller.
 */
public record PoolWindow2d(int inH, int inW, int kernelH, int kernelW, int strideH, int strideW, int dilationH,
                           int dilationW, int padTop, int padLeft, int padBottom, int padRight, boolean ceilMode,
                           int outH, int outW) {

    /** Resolves the output size, checking every attribute (sizes, kernel, strides, dilations positive, pads >= 0). */
    public static PoolWindow2d of(int inH, int inW, int kernelH, int kernelW, int strideH, int strideW, int dilationH,
                                  int dilationW, int padTop, int padLeft, int padBottom, int padRight, boolean ceilMode) {
        SegmentBounds.checkPositive("input height", inH);
        SegmentBounds.checkPositive("input width", inW);
        SegmentBounds.checkPositive("kernel height", kernelH);
        SegmentBounds.checkPositive("kernel width", kernelW);
        SegmentBounds.checkPositive("stride height", strideH);
        SegmentBounds.checkPositive("stride width", strideW);
        SegmentBounds.checkPositive("dilation height", dilationH);
        SegmentBounds.checkPositive("dilation width", dilationW);
        if (padTop < 0 || padLeft < 0 || padBottom < 0 || padRight < 0) {
            throw new IllegalArgumentException("pads must be non-negative, got [" + padTop + ", " + padLeft + ", "
                    + padBottom + ", " + padRight + "]");
        }
        int outH = outSize("height", inH, kernelH, strideH, dilationH, padTop, padBottom, ceilMode);
        int outW = outSize("width", inW, kernelW, strideW, dilationW, padLeft, padRight, ceilMode);
        return new PoolWindow2d(inH, inW, kernelH, kernelW, strideH, strideW, dilationH, dilationW, padTop, padLeft,
                padBottom, padRight, ceilMode, outH, outW);
    }

    private static int outSize(String axis, int in, int k, int s, int d, int pb, int pe, boolean ceil) {
        long span = (long) (k - 1) * d + 1, room = (long) in + pb + pe - span;
        if (room < 0) {
            throw new IllegalArgumentException("kernel extent " + span + " exceeds padded input " + axis + " "
                    + ((long) in + pb + pe));
        }
        long out = (ceil ? Math.ceilDiv(room, s) : room / s) + 1;
        if (ceil && (out - 1) * s >= (long) in + pb) out--;
        return Math.toIntExact(out);
    }

    public int inPlane() { return inH * inW; }

    public int outPlane() { return outH * outW; }

    /** How many taps of the window along one axis fall inside the input: the divisor of an average without pads. */
    static int validTaps(int o, int stride, int dilation, int kernel, int padBegin, int in) {
        int start = o * stride - padBegin, n = 0;
        for (int k = 0; k < kernel; k++) {
            int i = start + k * dilation;
            if (i >= 0 && i < in) n++;
        }
        return n;
    }

    /**
     * How many taps fall inside the input or its explicit pads (count_include_pad's divisor): taps past the end pad,
     * which ceil_mode can produce, do not count, as in the reference.
     */
    static int paddedTaps(int o, int stride, int dilation, int kernel, int padBegin, int padEnd, int in) {
        int start = o * stride - padBegin, n = 0;
        for (int k = 0; k < kernel; k++) if (start + k * dilation < in + padEnd) n++;
        return n;
    }
}
