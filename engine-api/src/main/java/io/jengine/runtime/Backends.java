package io.jengine.runtime;

import com.google.inject.Guice;
import com.google.inject.Injector;
import com.google.inject.Key;
import com.google.inject.TypeLiteral;
import io.jengine.errors.EngineException;
import io.jengine.spi.Backend;
import io.jengine.spi.BackendModule;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.ServiceLoader;
import java.util.Set;

/**
 * The backends available to an engine, most preferred first. Discovered with {@link ServiceLoader} (every jar on the
 * class path that lists a {@link BackendModule}) and wired with one Guice injector, so a backend can ask for shared
 * services (device handles, timing caches) by injection.
 */
public final class Backends {
    private final List<Backend> ordered;

    private Backends(List<Backend> backends) { this(backends, true); }

    /** {@code byPriority}: sorted by priority (then name); else kept in the order given. */
    private Backends(List<Backend> backends, boolean byPriority) {
        List<Backend> l = new ArrayList<>(backends);
        if (byPriority) l.sort(Comparator.comparingInt(Backend::priority).reversed().thenComparing(Backend::name));
        this.ordered = List.copyOf(l);
    }


    /** Everything on the class path. Fails when no backend at all is found (kernels-cpu missing). */
    public static Backends discover() {
        List<BackendModule> modules = new ArrayList<>();
        ServiceLoader.load(BackendModule.class).forEach(modules::add);
        if (modules.isEmpty()) {
            throw new EngineException("no backend found on the class path: add the kernels-cpu jar (it provides the "
                    + "cpu-reference backend through META-INF/services/" + BackendModule.class.getName() + ")");
        }
        Injector injector = Guice.createInjector(modules);
        Set<Backend> set = injector.getInstance(Key.get(new TypeLiteral<Set<Backend>>() {}));
        return new Backends(new ArrayList<>(set));
    }

    /** A fixed set, for tests and embedders that choose their backends explicitly. */
    public static Backends of(Backend... backends) { return new Backends(List.of(backends)); }

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
        return new Backends(l, false);
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
        return new Backends(l);
    }
}
