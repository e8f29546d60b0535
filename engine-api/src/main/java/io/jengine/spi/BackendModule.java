package io.jengine.spi;

import com.google.inject.AbstractModule;
import com.google.inject.multibindings.Multibinder;

/**
 * How a backend jar plugs in: a Guice module listed in {@code META-INF/services/io.jengine.spi.BackendModule}. The
 * runtime finds every such module with {@link java.util.ServiceLoader}, builds one injector from them, and runs with
 * the set of {@link Backend}s they contribute. A third-party backend jar on the class path just works.
 */
public abstract class BackendModule extends AbstractModule {
    /** Adds a backend to the set the runtime partitions over. */
    protected final void addBackend(Class<? extends Backend> backend) {
        Multibinder.newSetBinder(binder(), Backend.class).addBinding().to(backend);
    }
}
