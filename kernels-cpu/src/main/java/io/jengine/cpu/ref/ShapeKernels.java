package io.jengine.cpu.ref;

import io.jengine.spi.KernelRegistry;

final class ShapeKernels {
    private ShapeKernels() {}

    static void register(KernelRegistry r) {
    }
}
