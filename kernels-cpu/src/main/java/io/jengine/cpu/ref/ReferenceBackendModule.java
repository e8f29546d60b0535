package io.jengine.cpu.ref;

import io.jengine.spi.BackendModule;

/** Contributes the CPU reference backend; found through {@code META-INF/services}. */
public final class ReferenceBackendModule extends BackendModule {
    @Override
    protected void configure() {
        addBackend(ReferenceBackend.class);
    }
}
