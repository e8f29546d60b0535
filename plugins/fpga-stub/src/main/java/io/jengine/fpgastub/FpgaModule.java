package io.jengine.fpgastub;

import io.jengine.spi.BackendModule;

/** Adds the {@code fpga-stub} backend (see {@link FpgaBackend}). */
public final class FpgaModule extends BackendModule {
    @Override
    protected void configure() { addBackend(FpgaBackend.class); }
}
