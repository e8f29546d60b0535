package io.jengine.cpu.ref;

import io.jengine.spi.KernelRegistry;

/** Signal processing ops: DFT, STFT, the cosine windows and MelWeightMatrix. */
final class SignalKernels {
    private SignalKernels() {}

    static void register(KernelRegistry r) {
        r.add("DFT", 17, n -> new DftKernel(n.node(), false));
        // Opset 20 moves axis from an attribute to an optional input (default -2).
        r.add("DFT", 20, n -> new DftKernel(n.node(), true));
        r.add("STFT", 17, n -> new StftKernel(n.node()));
        r.add("HannWindow", 17, n -> new WindowKernel(n.node(), WindowKernel.Shape.HANN));
        r.add("HammingWindow", 17, n -> new WindowKernel(n.node(), WindowKernel.Shape.HAMMING));
        r.add("BlackmanWindow", 17, n -> new WindowKernel(n.node(), WindowKernel.Shape.BLACKMAN));
        r.add("MelWeightMatrix", 17, n -> new MelWeightMatrixKernel(n.node()));
    }
}
