package io.jengine.cpu.nativelib;

import io.jengine.spi.BackendModule;

/** Contributes the cpu-native backend (oneDNN through FFM); found through {@code META-INF/services}. */
public final class NativeBackendModule extends BackendModule {
    @Override
    protected void configure() {
        addBackend(NativeBackend.class);
    }
}
