package com.example.jengine;

import io.jengine.spi.BackendModule;

/**
 * The plugin's entry point, listed in {@code META-INF/services/io.jengine.spi.BackendModule}: it defines the op
 * {@code com.example::Swish} and adds the backend whose tactics run it fast and offer a block-sparse MatMul.
 */
public final class ExampleModule extends BackendModule {
    @Override
    protected void configure() {
        addOp(SwishOp.DEFINITION);
        addBackend(ExampleBackend.class);
    }
}
