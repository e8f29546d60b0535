package io.jengine.runtime;

import com.google.inject.AbstractModule;
import com.google.inject.Guice;
import com.google.inject.Injector;
import com.google.inject.Key;
import com.google.inject.TypeLiteral;
import com.google.inject.multibindings.Multibinder;
import io.jengine.errors.EngineException;
import io.jengine.infer.InferenceRegistry;
import io.jengine.plugin.Plugin;
import io.jengine.plugin.PluginException;
import io.jengine.spi.KernelRegistry;
import io.jengine.spi.OpDefinition;
import io.jengine.spi.RegistryBackend;
import io.jengine.spi.Backend;
import io.jengine.spi.BackendModule;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.Set;

/**
 * The backends available to an engine, most preferred first. Discovered with {@link ServiceLoader} (every jar on the
 * class path that lists a {@link BackendModule}) and wired with one Guice injector, so a backend can ask for shared
 * services (device handles, timing caches) by injection. Plugin jars ({@link #withPlugins}) add their backends and
 * their own ops ({@link OpDefinition}): the ops' inference rules join {@link #inference()}, their reference kernels
 * run on the {@value #PLUGIN_REFERENCE} backend, below every other.
 */
public final class Backends {
    /** The backend that runs plugin ops' reference kernels ({@link OpDefinition#reference}), lowest priority. */
    public static final String PLUGIN_REFERENCE = "plugin-reference";

    /** An op some module defined, and the plugin it came from (null: a module on the class path). */
    public record DefinedOp(OpDefinition definition, Plugin plugin) {}

    private final List<Backend> ordered;
    private final List<DefinedOp> ops;
    private final List<Plugin> plugins;
    /** Backend name -> the plugin that contributed it; built-in backends are absent. */
    private final Map<String, Plugin> origins;
    private volatile InferenceRegistry inference;

    private Backends(List<Backend> backends) { this(backends, true, List.of(), List.of(), Map.of()); }

    /** {@code byPriority}: sorted by priority (then name); else kept in the order given. */
    private Backends(List<Backend> backends, boolean byPriority, List<DefinedOp> ops, List<Plugin> plugins,
                     Map<String, Plugin> origins) {
        List<Backend> l = new ArrayList<>(backends);
        if (byPriority) l.sort(Comparator.comparingInt(Backend::priority).reversed().thenComparing(Backend::name));
        this.ordered = List.copyOf(l);
        this.ops = List.copyOf(ops);
        this.plugins = List.copyOf(plugins);
        this.origins = Map.copyOf(origins);
    }

    /** Everything on the class path. Fails when no backend at all is found (kernels-cpu missing). */
    public static Backends discover() {
        List<BackendModule> modules = new ArrayList<>();
        ServiceLoader.load(BackendModule.class).forEach(modules::add);
        if (modules.isEmpty()) {
            throw new EngineException("no backend found on the class path: add the kernels-cpu jar (it provides the "
                    + "cpu-reference backend through META-INF/services/" + BackendModule.class.getName() + ")");
        }
        List<com.google.inject.Module> all = new ArrayList<>(modules);
        all.add(new AbstractModule() {
            @Override
            protected void configure() { Multibinder.newSetBinder(binder(), OpDefinition.class); }
        });
        Injector injector = Guice.createInjector(all);
        Set<Backend> set = injector.getInstance(Key.get(new TypeLiteral<Set<Backend>>() {}));
        Set<OpDefinition> defs = injector.getInstance(Key.get(new TypeLiteral<Set<OpDefinition>>() {}));
        List<DefinedOp> ops = new ArrayList<>();
        for (OpDefinition d : defs) ops.add(new DefinedOp(d, null));
        return assemble(new ArrayList<>(set), ops, List.of(), Map.of());
    }

    /**
     * These backends and ops plus those of {@code more} plugins (each once; ones already here are skipped). A plugin
     * whose backend name or op is already taken, by the engine or another plugin, is an error naming both.
     */
    public Backends withPlugins(List<Plugin> more) {
        List<Backend> backends = new ArrayList<>(ordered.stream().filter(b -> !b.name().equals(PLUGIN_REFERENCE)).toList());
        List<DefinedOp> defined = new ArrayList<>(ops);
        List<Plugin> all = new ArrayList<>(plugins);
        Map<String, Plugin> from = new HashMap<>(origins);
        for (Plugin p : more) {
            if (all.contains(p)) continue;
            for (Plugin q : all) {
                if (q.name().equals(p.name())) {
                    throw new PluginException("plugin name '" + p.name() + "' is declared by two jars: " + q.jar()
                            + " and " + p.jar() + "; load one of them");
                }
            }
            Plugin.Contributions c = p.contributions();
            for (Backend b : c.backends()) {
                for (Backend mine : backends) {
                    if (mine.name().equals(b.name())) {
                        Plugin owner = from.get(mine.name());
                        throw new PluginException("plugin " + p.jar() + " (" + p.label() + ") declares backend '"
                                + b.name() + "', which " + (owner == null ? "the engine has already"
                                : "plugin " + owner.jar() + " (" + owner.label() + ") declares") + ": rename it");
                    }
                }
                if (b.name().equals(PLUGIN_REFERENCE)) {
                    throw new PluginException("plugin " + p.jar() + ": backend name '" + PLUGIN_REFERENCE
                            + "' is the engine's own");
                }
                backends.add(b);
                from.put(b.name(), p);
            }
            for (OpDefinition d : c.ops()) defined.add(new DefinedOp(d, p));
            all.add(p);
        }
        return assemble(backends, defined, all, from);
    }

    /** Checks the ops for clashes and adds the backend of their reference kernels. */
    private static Backends assemble(List<Backend> backends, List<DefinedOp> ops, List<Plugin> plugins,
                                     Map<String, Plugin> origins) {
        Map<String, DefinedOp> seen = new HashMap<>();
        KernelRegistry references = new KernelRegistry();
        for (DefinedOp op : ops) {
            OpDefinition d = op.definition();
            DefinedOp other = seen.putIfAbsent(d.key() + "@" + d.sinceVersion(), op);
            if (other != null) {
                throw new PluginException("op " + d.key() + " (since version " + d.sinceVersion() + ") is defined twice: by "
                        + originOf(other) + " and by " + originOf(op));
            }
            references.add(d.domain(), d.opType(), d.sinceVersion(), Set.of(), d.reference());
        }
        List<Backend> l = new ArrayList<>(backends);
        if (!ops.isEmpty()) l.add(new RegistryBackend(PLUGIN_REFERENCE, Integer.MIN_VALUE, references));
        return new Backends(l, true, ops, plugins, origins);
    }

    private static String originOf(DefinedOp op) {
        return op.plugin() == null ? "a module on the class path" : "plugin " + op.plugin().jar() + " (" + op.plugin().label() + ")";
    }

    /** The plugins these backends include, in load order. */
    public List<Plugin> plugins() { return plugins; }

    /** The ops plugins (or modules on the class path) define, each with its origin. */
    public List<DefinedOp> definedOps() { return ops; }

    /** The plugin that contributed the backend of that name; null for the engine's own (and the class path's). */
    public Plugin pluginOf(String backendName) { return origins.get(backendName); }

    /** The definition in force for the op at the domain's opset version, or null when it is no defined op. */
    public DefinedOp definedOp(String domain, String opType, int opset) {
        DefinedOp best = null;
        for (DefinedOp op : ops) {
            OpDefinition d = op.definition();
            if (d.domain().equals(domain) && d.opType().equals(opType) && d.sinceVersion() <= opset
                    && (best == null || d.sinceVersion() > best.definition().sinceVersion())) {
                best = op;
            }
        }
        return best;
    }

    /** Whether the optimizer may evaluate the node at build time: ops defined as not foldable may not. */
    public boolean foldable(String domain, String opType) {
        for (DefinedOp op : ops) {
            OpDefinition d = op.definition();
            if (d.domain().equals(domain) && d.opType().equals(opType) && !d.foldable()) return false;
        }
        return true;
    }

    /** The static type rules: ONNX's and the engine's, plus those of the defined ops. */
    public InferenceRegistry inference() {
        InferenceRegistry r = inference;
        if (r != null) return r;
        if (ops.isEmpty()) {
            r = InferenceRegistry.onnx();
        } else {
            r = InferenceRegistry.onnx().copy();
            for (DefinedOp op : ops) {
                OpDefinition d = op.definition();
                r.add(d.domain(), d.opType(), d.sinceVersion(), d.inference());
            }
        }
        inference = r;
        return r;
    }

    /** A fixed set, for tests and embedders that choose their backends explicitly. */
    public static Backends of(Backend... backends) { return new Backends(List.of(backends)); }

    /**
     * A fixed set with ops defined in code (a plugin's own tests, embedders): their inference rules join
     * {@link #inference()} and their reference kernels run on the {@value #PLUGIN_REFERENCE} backend.
     */
    public static Backends of(List<Backend> backends, List<OpDefinition> ops) {
        return assemble(backends, ops.stream().map(d -> new DefinedOp(d, null)).toList(), List.of(), Map.of());
    }

    /** The host's name among devices: what {@code --device} takes for running on the CPU alone. */
    public static final String HOST = "cpu";

    /**
     * The devices of every backend with memory of its own ({@link Backend#devices()}), in backend order; the host
     * ({@value #HOST}) is not listed.
     */
    public List<io.jengine.spi.Device> devices() {
        List<io.jengine.spi.Device> l = new ArrayList<>();
        for (Backend b : ordered) l.addAll(b.devices());
        return l;
    }

    /**
     * The backends for running on {@code device}: for {@value #HOST}, these (a backend of another device offers
     * nothing until bound); for a device such as "opencl:0", its backend bound to it, first, with the host backends
     * behind it for the nodes it declines. An unknown device is an error listing the known ones.
     */
    public Backends forDevice(String device) {
        if (device == null || device.equals(HOST)) return this;
        List<Backend> l = new ArrayList<>();
        for (Backend b : ordered) {
            for (io.jengine.spi.Device d : b.devices()) if (d.name().equals(device)) l.add(b.forDevice(d));
        }
        if (l.isEmpty()) {
            List<String> known = new ArrayList<>(List.of(HOST));
            devices().forEach(d -> known.add(d.name()));
            throw new EngineException("unknown device '" + device + "'; available: " + known);
        }
        // The device's backend goes first whatever its priority (the user asked for that device), then the host's in
        // their order.
        for (Backend b : ordered) if (b.devices().isEmpty() && b.device() == null) l.add(b);
        return new Backends(l, false, ops, plugins, origins);
    }

    /**
     * These without the backends bound to a device: what evaluates nodes at build time (constant folding), where no
     * session and no device memory exist.
     */
    public Backends host() {
        if (ordered.stream().allMatch(b -> b.device() == null)) return this;
        return new Backends(ordered.stream().filter(b -> b.device() == null).toList(), false, ops, plugins, origins);
    }

    /** The device the first backend runs on (the one a plan was asked for); null for the host. */
    public io.jengine.spi.Device device() { return ordered.isEmpty() ? null : ordered.get(0).device(); }

    /** Backends in the order nodes are offered to them. */
    public List<Backend> ordered() { return ordered; }

    /**
     * The integer convolutions of the highest-priority backend that runs any ({@link Backend#integerConvolution}),
     * the kernels a quantized graph's convolutions will run on; null when none does.
     */
    public io.jengine.spi.IntegerConvolution integerConvolution() {
        for (Backend b : ordered) {
            io.jengine.spi.IntegerConvolution c = b.integerConvolution();
            if (c != null) return c;
        }
        return null;
    }

    /** Only the named backends (plus nothing else), keeping their order; unknown names are an error. */
    public Backends only(List<String> names) {
        List<Backend> l = new ArrayList<>();
        for (String n : names) {
            Backend b = ordered.stream().filter(x -> x.name().equals(n)).findFirst().orElseThrow(() ->
                    new EngineException("unknown backend '" + n + "'; available: "
                            + ordered.stream().map(Backend::name).toList()));
            l.add(b);
        }
        return new Backends(l, true, ops, plugins, origins);
    }
}
