package io.jengine.plugin;

import com.google.inject.AbstractModule;
import com.google.inject.CreationException;
import com.google.inject.Guice;
import com.google.inject.Injector;
import com.google.inject.Key;
import com.google.inject.ProvisionException;
import com.google.inject.TypeLiteral;
import com.google.inject.multibindings.Multibinder;
import io.jengine.spi.Backend;
import io.jengine.spi.BackendModule;
import io.jengine.spi.OpDefinition;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * One loaded plugin jar: its name and version from the manifest, its own class loader, and the {@link BackendModule}s
 * it lists. What the modules contribute (backends, op definitions) is built once, by an injector of the plugin's own,
 * and shared by every engine of the process that uses the plugin.
 */
public final class Plugin {
    private final PluginManifest manifest;
    private final Path jar;
    private final ClassLoader loader;
    private final List<BackendModule> modules;
    private volatile Contributions contributions;

    /** What the plugin's modules bind: backends by priority, then name; ops by key. */
    public record Contributions(List<Backend> backends, List<OpDefinition> ops) {}

    Plugin(PluginManifest manifest, Path jar, ClassLoader loader, List<BackendModule> modules) {
        this.manifest = manifest;
        this.jar = jar;
        this.loader = loader;
        this.modules = List.copyOf(modules);
    }

    public String name() { return manifest.name(); }

    public String version() { return manifest.version(); }

    /** The jar it was loaded from. */
    public Path jar() { return jar; }

    public ClassLoader classLoader() { return loader; }

    /** "name version", as listings and messages show a plugin. */
    public String label() { return name() + " " + version(); }

    /** The plugin's backends and ops, instantiated on first use; a module that fails is an error naming the jar. */
    public Contributions contributions() {
        Contributions c = contributions;
        if (c != null) return c;
        synchronized (this) {
            if (contributions == null) contributions = instantiate();
            return contributions;
        }
    }

    private Contributions instantiate() {
        List<com.google.inject.Module> all = new ArrayList<>(modules);
        all.add(new AbstractModule() {
            @Override
            protected void configure() { // a plugin may contribute only backends, or only ops
                Multibinder.newSetBinder(binder(), Backend.class);
                Multibinder.newSetBinder(binder(), OpDefinition.class);
            }
        });
        try {
            Injector injector = Guice.createInjector(all);
            List<Backend> backends = new ArrayList<>(injector.getInstance(Key.get(new TypeLiteral<java.util.Set<Backend>>() {})));
            backends.sort(Comparator.comparingInt(Backend::priority).reversed().thenComparing(Backend::name));
            List<OpDefinition> ops = new ArrayList<>(injector.getInstance(Key.get(new TypeLiteral<java.util.Set<OpDefinition>>() {})));
            ops.sort(Comparator.comparing((OpDefinition d) -> d.key()).thenComparingInt(OpDefinition::sinceVersion));
            for (Backend b : backends) {
                if (b.name() == null || b.name().isBlank() || b.name().contains(":")) {
                    throw new PluginException("plugin " + jar + " (" + label() + "): backend " + b.getClass().getName()
                            + " has the name '" + b.name() + "'; a backend name is non-empty and has no ':'");
                }
            }
            return new Contributions(List.copyOf(backends), List.copyOf(ops));
        } catch (CreationException | ProvisionException | LinkageError | IllegalArgumentException e) {
            throw new PluginException("plugin " + jar + " (" + label() + ") failed to set up its modules: "
                    + firstLine(e), e);
        }
    }

    private static String firstLine(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) root = root.getCause();
        String m = String.valueOf(root.getMessage());
        int nl = m.indexOf('\n');
        return root.getClass().getSimpleName() + ": " + (nl < 0 ? m : m.substring(0, nl));
    }

    @Override
    public String toString() { return label() + " (" + jar + ")"; }
}
