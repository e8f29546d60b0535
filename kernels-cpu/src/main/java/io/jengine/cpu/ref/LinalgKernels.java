package io.jengine.cpu.ref;

import io.jengine.spi.KernelRegistry;

final class LinalgKernels {
    private LinalgKernels() {}

    static void register(KernelRegistry r) {
    }
}
