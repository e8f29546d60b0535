package io.jengine.cpu.ref;

import io.jengine.spi.KernelRegistry;

/** Convolutions and pooling: the families live in {@link ConvKernels} and {@link PoolKernels}. */
final class ConvPoolKernels {
    private ConvPoolKernels() {}

    static void register(KernelRegistry r) {
        ConvKernels.register(r);
        PoolKernels.register(r);
    }
}
