package io.jengine.cpu.ref;

import io.jengine.spi.KernelRegistry;

/** The catalogue of reference kernels: every op family registers its kernels here. */
public final class ReferenceKernels {
    private static final KernelRegistry REGISTRY = build();

    private ReferenceKernels() {}

    public static KernelRegistry registry() { return REGISTRY; }

    private static KernelRegistry build() {
        KernelRegistry r = new KernelRegistry();
        ElementwiseKernels.register(r);
        ShapeKernels.register(r);
        ReductionKernels.register(r);
        NormalizationKernels.register(r);
        LinalgKernels.register(r);
        QuantizationKernels.register(r);
        ConvPoolKernels.register(r);
        ImageKernels.register(r);
        SignalKernels.register(r);
        ControlFlowKernels.register(r);
        SequenceKernels.register(r);
        StringKernels.register(r);
        RandomKernels.register(r);
        RecurrentKernels.register(r);
        AttentionKernels.register(r);
        FusedKernels.register(r);
        ScaledDotProductAttentionKernel.register(r);
        ElementwiseChainKernel.register(r);
        return r;
    }
}
