package io.jengine.cpu.ref;

import io.jengine.spi.KernelRegistry;
import io.jengine.spi.RegistryBackend;

/**
 * The CPU reference backend: one plain, readable kernel per ONNX op. It is the ground truth every faster kernel is
 * tested against and the fallback for any node no other backend takes, hence the lowest priority.
 */
public final class ReferenceBackend extends RegistryBackend {
    public static final String NAME = "cpu-reference";

    public ReferenceBackend() {
        super(NAME, 0, ReferenceKernels.registry());
    }
}
