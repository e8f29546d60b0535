package io.jengine.cpu.simd;

import io.jengine.spi.Workload;

/**
 * What a convolution tactic computes and moves, for the tuner's cost model: the direct count for kernels that do
 * every multiply-add (oneDNN's direct kernels, depthwise), Winograd's smaller count plus its tile transforms.
 */
public final class ConvWorkloads {
    private ConvWorkloads() {}

    /** Every multiply-add of the convolution; input, weights and output moved once. */
    public static Workload direct(ConvShape s) {
        double macs = (double) s.batch() * s.outC() * s.outPlane() * s.gemmK();
        return new Workload(2 * macs, 4.0 * (s.inputElements() + s.weightElements() + s.outputElements()));
    }

    /**
     * Winograd F(m x m, 3 x 3): per tile and channel pair alpha^2 products (alpha = m + 2) instead of 9 m^2; each
     * input tile transformed once per input channel and each output tile once per output channel (two passes of
     * alpha-point sums); weights read in their transformed form (alpha^2 / 9 of their size), and the transformed
     * tiles written and read back once.
     */
    public static Workload winograd(ConvShape s, int m) {
        int alpha = m + 2;
        double tiles = (double) s.batch() * Math.ceilDiv(s.outH(), m) * Math.ceilDiv(s.outW(), m);
        double points = alpha * alpha;
        double products = 2 * tiles * points * s.inCPerGroup() * s.outC();
        double transforms = tiles * (s.inC() * 4.0 * alpha * points + s.outC() * 4.0 * m * points);
        double bytes = 4.0 * (s.inputElements() + s.outputElements() + s.weightElements() * points / 9
                + 2 * tiles * points * (s.inC() + s.outC()));
        return new Workload(products + transforms, bytes);
    }
}
