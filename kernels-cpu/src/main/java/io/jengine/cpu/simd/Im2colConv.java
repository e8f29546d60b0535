package io.jengine.cpu.simd;

import java.lang.foreign.MemorySegment;

/**
 * The general convolution (any kernel, stride, dilation, asymmetric pads, groups) as an implicit GEMM: the im2col
 * matrix {@code [inC/g * kH * kW, outH * outW]} is never built; its blocks are gathered from x straight into the GEMM's
 * packed panel layout as the GEMM needs them, so memory stays bounded whatever the image size.
 */
public final class Im2colConv extends GemmConvolution {
    private Im2colConv(ConvShape s, float[] w, float[] b, Activation act, Blocking blk) { super(s, w, b, act, blk); }

    /**
     * Packs the weights {@code [outC, inC / group, kH, kW]}; bias (one per output channel) may be null, activation
     * null means none.
     */
    public static Im2colConv prepare(ConvShape s, float[] weights, float[] bias, Activation activation) {
        return prepare(s, weights, bias, activation, Blocking.host());
    }

    /** As {@link #prepare(ConvShape, float[], float[], Activation)} with a chosen blocking (tuned plans, tests). */
    public static Im2colConv prepare(ConvShape s, float[] weights, float[] bias, Activation activation, Blocking blocking) {
        return new Im2colConv(s, weights, bias, activation, blocking);
    }

    @Override
    PanelSource input(GemmScratch scratch, MemorySegment x, long xOff) { return scratch.im2col.bind(shape(), x, xOff); }
}
