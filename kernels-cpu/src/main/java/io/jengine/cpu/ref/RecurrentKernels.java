package io.jengine.cpu.ref;

import io.jengine.spi.KernelRegistry;

final class RecurrentKernels {
    private RecurrentKernels() {}

    static void register(KernelRegistry r) {
    }
}
