package io.jengine.opencl;

import io.jengine.spi.BackendModule;

/** Registers the OpenCL backend with the runtime (listed in META-INF/services). */
public final class OpenClBackendModule extends BackendModule {
    @Override
    protected void configure() { addBackend(OpenClBackend.class); }
}
