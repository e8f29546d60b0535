package io.jengine.cpu.simd;

import io.jengine.spi.BackendModule;

/** Contributes the cpu-simd backend; found through {@code META-INF/services}. */
public final class SimdBackendModule extends BackendModule {
    @Override
    protected void configure() {
        addBackend(SimdBackend.class);
    }
}
