package io.jengine.serving;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Serves models to concurrent callers, as Triton Inference Server does without its transport: models (ONNX files or
 * plans) are loaded under a name, in versions (the latest serves when none is asked for), each with a bounded queue,
 * a dynamic batcher and a pool of workers; {@link #reload} replaces a version without dropping a request; metrics go
 * to the {@link MeterRegistry} given. Thread-safe.
 *
 * <pre>{@code
 * try (InferenceServer server = new InferenceServer()) {
 *     ModelHandle digits = server.load("digits", Path.of("digits_cnn.onnx"),
 *             ModelConfig.builder().maxBatchSize(32).maxQueueDelayMicros(500).build());
 *     InferenceResponse r = digits.infer(InferenceRequest.of(Map.of("image", image)));
 * }
 * }</pre>
 *
 * {@link #close} stops taking requests, answers every request already accepted, then closes the engines.
 */
public final class InferenceServer implements AutoCloseable {
    public static final Duration DEFAULT_SHUTDOWN_TIMEOUT = Duration.ofSeconds(30);
    /** A name that is one URL path segment as it is: KServe addresses models as {@code /v2/models/NAME}. */
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]*");

    private final MeterRegistry registry;
    private final Duration shutdownTimeout;
    private final ModelTable table = new ModelTable();
    private final Map<String, ModelMetrics> metrics = new ConcurrentHashMap<>();
    /** Versions taken out of service that are still answering what they accepted. */
    private final Set<ServedModel> draining = ConcurrentHashMap.newKeySet();
    /**
     * Held while the served set changes and its retired versions are put on {@link #draining}, so that a shutdown
     * sees every version a concurrent reload or unload retires. Never held while a model builds.
     */
    private final Object changes = new Object();
    /** Fires request timeouts; one thread, since each firing only completes a future. */
    private final ScheduledThreadPoolExecutor deadlines;
    private volatile boolean closing;

    /** A server whose metrics go to a {@link SimpleMeterRegistry} of its own ({@link #meterRegistry}). */
    public InferenceServer() { this(new SimpleMeterRegistry()); }

    public InferenceServer(MeterRegistry registry) { this(registry, DEFAULT_SHUTDOWN_TIMEOUT); }

    /** @param shutdownTimeout how long {@link #close} waits for accepted requests to be answered */
    public InferenceServer(MeterRegistry registry, Duration shutdownTimeout) {
        this.registry = Objects.requireNonNull(registry, "registry");
        if (shutdownTimeout.isNegative()) throw new IllegalArgumentException("negative shutdown timeout " + shutdownTimeout);
        this.shutdownTimeout = shutdownTimeout;
        this.deadlines = new ScheduledThreadPoolExecutor(1,
                r -> Thread.ofPlatform().name("jengine-serving-deadlines").daemon(true).unstarted(r));
        deadlines.setRemoveOnCancelPolicy(true);
    }

    public MeterRegistry meterRegistry() { return registry; }

    /**
     * Loads an ONNX model or a plan file (told apart by the plan's magic) as a new version of {@code name}: version 1
     * for a new name, else one above its highest. A file that fails to load is a {@link ModelLoadException} naming
     * the model and the file, and changes nothing that is served.
     */
    public ModelHandle load(String name, Path file, ModelConfig config) {
        return install(name, ModelTable.LATEST, file, config, false);
    }

    /** As {@link #load(String, Path, ModelConfig)} as the given version, which must not be loaded yet. */
    public ModelHandle load(String name, int version, Path file, ModelConfig config) {
        return install(name, checkVersion(version), file, config, false);
    }

    /**
     * Replaces the latest version of {@code name} with the model in {@code file}, keeping its number. The new engine
     * is built first and takes every request from then on; the old one answers what it accepted, then closes. If the
     * file fails to load, the old one goes on serving.
     */
    public ModelHandle reload(String name, Path file, ModelConfig config) {
        return install(name, ModelTable.LATEST, file, config, true);
    }

    /** As {@link #reload(String, Path, ModelConfig)} for the given version. */
    public ModelHandle reload(String name, int version, Path file, ModelConfig config) {
        return install(name, checkVersion(version), file, config, true);
    }

    /** Loads the latest version of {@code name} again from its file, with its config (after the file changed). */
    public ModelHandle reload(String name) {
        ServedModel m = resolve(name, ModelTable.LATEST);
        return install(name, m.version, m.loaded.file(), m.config, true);
    }

    /** Takes every version of {@code name} out of service; each answers what it accepted, then closes its engine. */
    public void unload(String name) { remove(name, ModelTable.LATEST); }

    public void unload(String name, int version) { remove(name, checkVersion(version)); }

    /** The latest version of {@code name}, whichever that is when each request arrives. */
    public ModelHandle model(String name) { return handle(name, ModelTable.LATEST); }

    /** That version of {@code name}. */
    public ModelHandle model(String name, int version) { return handle(name, checkVersion(version)); }

    /** Every version loaded, by name then version. */
    public List<ModelHandle> models() {
        return table.names().stream().flatMap(n -> table.versions(n).stream().map(v -> new ModelHandle(this, n, v)))
                .toList();
    }

    /** Whether the server is up (KServe's liveness): until {@link #close} has finished. */
    public boolean isLive() { return !deadlines.isShutdown(); }

    /** Whether the server takes requests (KServe's readiness): until {@link #close} starts. */
    public boolean isReady() { return !closing; }

    public boolean isModelReady(String name) { return isModelReady(name, ModelTable.LATEST); }

    public boolean isModelReady(String name, int version) {
        ServedModel m = closing ? null : table.find(name, version);
        return m != null && m.isReady();
    }

    /**
     * Stops taking requests (new ones get {@link ModelUnavailableException}), waits up to {@code timeout} for every
     * accepted request to be answered and every engine closed, and answers true when that happened. Otherwise the
     * requests still queued are answered with {@link ModelUnavailableException} and false comes back; batches
     * already running finish and close their engine when they end.
     */
    public boolean shutdown(Duration timeout) {
        List<ServedModel> waitFor;
        synchronized (changes) {
            closing = true;
            table.close().forEach(this::retire);
            waitFor = List.copyOf(draining);
        }
        boolean done = false;
        try {
            CompletableFuture.allOf(waitFor.stream().map(ServedModel::retire).toArray(CompletableFuture[]::new))
                    .get(timeout.toNanos(), TimeUnit.NANOSECONDS);
            done = true;
        } catch (TimeoutException e) {
            // answered below
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException e) {
            throw new IllegalStateException("draining failed", e.getCause()); // terminations never fail
        }
        if (!done) {
            for (ServedModel m : waitFor) {
                if (!m.isTerminated()) {
                    m.abandon(new ModelUnavailableException("the server shut down before the request to model "
                            + m.label() + " ran (it waited " + timeout.toMillis() + " ms for the queue to drain)"));
                }
            }
        }
        deadlines.shutdownNow();
        return done;
    }

    /**
     * {@link #shutdown} with the server's shutdown timeout; if that runs out, throws {@link IllegalStateException}
     * naming the models still running a batch, after answering what was queued.
     */
    @Override
    public void close() {
        if (!shutdown(shutdownTimeout)) {
            throw new IllegalStateException("shutdown waited " + shutdownTimeout.toMillis() + " ms; still running a "
                    + "batch: " + draining.stream().map(ServedModel::label).sorted().collect(Collectors.joining(", "))
                    + " (queued requests were answered with ModelUnavailableException; each engine closes when its "
                    + "batch ends)");
        }
    }

    /** The version serving {@code name} now; throws when the server closes or the model is not loaded. */
    ServedModel resolve(String name, int version) {
        if (closing) {
            throw new ModelUnavailableException("the server is shutting down; model '" + name
                    + "' takes no new requests");
        }
        ServedModel m = table.find(name, version);
        if (m == null) throw table.notFound(name, version);
        return m;
    }

    /** The versions of {@code name} loaded now, ascending; empty when none is. */
    public List<Integer> versions(String name) { return table.versions(name); }

    private ModelHandle handle(String name, int version) {
        resolve(name, version);
        return new ModelHandle(this, name, version);
    }

    private ModelHandle install(String name, int version, Path file, ModelConfig config, boolean replace) {
        checkName(name);
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(config, "config");
        if (closing) throw new ModelUnavailableException("the server is shutting down and loads no models");
        // Fail fast, before the build: a missing model to replace, or a version already taken.
        if (replace) resolve(name, version);
        else if (version != ModelTable.LATEST && table.find(name, version) != null) throw ModelTable.taken(name, version);
        LoadedModel loaded = LoadedModel.load(name, file, config);
        try {
            synchronized (changes) {
                if (!replace) {
                    ServedModel m = table.add(name, version, v -> start(name, v, loaded, config));
                    return new ModelHandle(this, name, m.version);
                }
                ModelTable.Swap swap = table.replace(name, version, v -> start(name, v, loaded, config));
                retire(swap.replaced());
                return new ModelHandle(this, name, swap.installed().version);
            }
        } catch (RuntimeException e) {
            loaded.engine().close();
            throw e;
        }
    }

    private ServedModel start(String name, int version, LoadedModel loaded, ModelConfig config) {
        ModelMetrics m = metrics.computeIfAbsent(name + "\0" + version, k -> new ModelMetrics(registry, name, version));
        return ServedModel.start(name, version, loaded, config, m, deadlines);
    }

    private void remove(String name, int version) {
        synchronized (changes) {
            table.remove(name, version).forEach(this::retire);
        }
    }

    private void retire(ServedModel m) {
        draining.add(m);
        m.retire().whenComplete((v, e) -> draining.remove(m));
    }

    /**
     * Whether {@code name} can name a model: letters, digits, '_', '.' or '-', starting with a letter or digit. Such
     * a name is one URL path segment and one file name as it is, never a path ({@code ..}, {@code /}, {@code \}).
     */
    public static boolean isValidModelName(String name) { return name != null && NAME.matcher(name).matches(); }

    private static void checkName(String name) {
        if (!isValidModelName(name)) {
            throw new IllegalArgumentException("model name '" + name + "' must be letters, digits, '_', '.' or '-', "
                    + "starting with a letter or digit");
        }
    }

    private static int checkVersion(int version) {
        if (version < 1) throw new IllegalArgumentException("model versions start at 1, got " + version);
        return version;
    }
}
