package io.jengine.spi;

import com.google.inject.AbstractModule;
import com.google.inject.multibindings.Multibinder;

/**
 * How a backend jar plugs in: a Guice module listed in {@code META-INF/services/io.jengine.spi.BackendModule}. The
 * runtime finds every such module on the class path with {@link java.util.ServiceLoader} and builds one injector from
 * them; a plugin jar loaded with {@code --plugin} (see {@code io.jengine.plugin.PluginLoader}) is found the same way in
 * its own class loader and gets an injector of its own. A module contributes {@link Backend}s (kernels for existing
 * ops, as tactics) and {@link OpDefinition}s (ops of its own domain).
 */
public abstract class BackendModule extends AbstractModule {
    /** Adds a backend to the set the runtime partitions over. */
    protected final void addBackend(Class<? extends Backend> backend) {
        Multibinder.newSetBinder(binder(), Backend.class).addBinding().to(backend);
    }

    /** Defines an op of this module's own domain: its inference rule, reference kernel and folding permission. */
    protected final void addOp(OpDefinition op) {
        Multibinder.newSetBinder(binder(), OpDefinition.class).addBinding().toInstance(op);
    }
}
