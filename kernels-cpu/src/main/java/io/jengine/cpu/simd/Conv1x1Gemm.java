package io.jengine.cpu.simd;

import java.lang.foreign.MemorySegment;

/**
 * A 1x1 convolution without padding. With stride 1 each image's channel planes already are the GEMM's right operand
 * {@code X[inC, H*W]}, packed straight from x with no copy; with a larger stride the subsampled pixels are gathered
 * while packing (the im2col of a 1x1 kernel).
 */
public final class Conv1x1Gemm extends GemmConvolution {
    private Conv1x1Gemm(ConvShape s, float[] w, float[] b, Activation act, Blocking blk) { super(s, w, b, act, blk); }

    /** Whether this class can run {@code s}: a 1x1 kernel with no padding (dilation does not matter). */
    public static boolean supports(ConvShape s) {
        return s.kH() == 1 && s.kW() == 1 && s.padTop() == 0 && s.padLeft() == 0 && s.padBottom() == 0 && s.padRight() == 0;
    }

    /**
     * Packs the weights {@code [outC, inC / group, 1, 1]}; bias (one per output channel) may be null, activation
     * null means none.
     */
    public static Conv1x1Gemm prepare(ConvShape s, float[] weights, float[] bias, Activation activation) {
        return prepare(s, weights, bias, activation, Blocking.host());
    }

    /** As {@link #prepare(ConvShape, float[], float[], Activation)} with a chosen blocking (tuned plans, tests). */
    public static Conv1x1Gemm prepare(ConvShape s, float[] weights, float[] bias, Activation activation, Blocking blocking) {
        if (s != null && !supports(s)) {
            throw new IllegalArgumentException("Conv1x1Gemm needs a 1x1 kernel without pads, got " + s.kH() + "x" + s.kW()
                    + " with pads " + s.padTop() + "," + s.padLeft() + "," + s.padBottom() + "," + s.padRight());
        }
        return new Conv1x1Gemm(s, weights, bias, activation, blocking);
    }

    @Override
    PanelSource input(GemmScratch scratch, MemorySegment x, long xOff) {
        ConvShape s = shape();
        if (s.strideH() != 1 || s.strideW() != 1) return scratch.im2col.bind(s, x, xOff);
        // Element (pixel x, channel p) of problem q = (image, group) sits at xOff + 4 * ((q * cg + p) * plane + x), as
        // inC = group * cg: a transposed view with ld = plane, one problem every cg planes.
        long plane = (long) s.inH() * s.inW();
        return scratch.planes.bind(x, xOff, plane, true, 4 * s.inCPerGroup() * plane);
    }
}
