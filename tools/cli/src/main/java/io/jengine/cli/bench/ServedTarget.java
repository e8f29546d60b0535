package io.jengine.cli.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.jengine.cli.loadgen.InferBody;
import io.jengine.cli.loadgen.LoadGenerator;
import io.jengine.cli.loadgen.LoadResult;
import io.jengine.serving.http.HttpOptions;
import io.jengine.serving.http.V2HttpServer;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * A plan served over HTTP on this machine exactly as {@code engine serve} serves it, for a benchmark's "served"
 * figures: a temporary model repository holding the plan (linked where the file system allows, else copied) and a
 * {@code config.json}, a KServe V2 server on a free loopback port, and the load generator's client against it. The
 * difference between a served figure and the engine's own is what the HTTP layer and the batcher cost. Closing stops
 * the server; the repository, which may serve again with another setup, is the caller's to {@link #deleteRepository}.
 */
public final class ServedTarget implements AutoCloseable {
    /** The model's name in the temporary repository. */
    public static final String MODEL = "model";

    /**
     * How the server runs the plan.
     *
     * @param instances     batches run at once, each on a session of its own
     * @param engineThreads intra-op threads of each run
     * @param maxBatch      rows the batcher stacks at most; 0 runs each request alone
     * @param delayMicros   how long the batcher waits for a fuller batch
     */
    public record Setup(int instances, int engineThreads, int maxBatch, int delayMicros) {
        /** Each request run alone, on one instance with every thread the engine was measured with. */
        public static Setup direct(int threads) { return new Setup(1, threads, 0, 0); }

        /**
         * Requests stacked into batches of up to {@code maxBatch} rows. The engine's threads become instances of one
         * thread each: on a machine whose cores the clients and the HTTP layer share, a preempted thread of a 2-thread
         * run stalls the other at each barrier, while one-thread runs only slow down (ResNet-18, 16 clients, 2 cores:
         * 97-124 against 82-87 images/s).
         */
        public static Setup batched(int threads, int maxBatch) { return new Setup(threads, 1, maxBatch, 20_000); }

        public String describe() {
            String runs = instances + (instances == 1 ? " instance" : " instances") + " x " + engineThreads
                    + (engineThreads == 1 ? " thread" : " threads");
            return maxBatch == 0 ? runs + ", no batching"
                    : runs + ", batched up to " + maxBatch + " rows within " + delayMicros / 1000 + " ms";
        }

        String configJson() {
            String batching = maxBatch == 0 ? "\"max_batch_size\": 0"
                    : String.format(Locale.ROOT, "\"max_batch_size\": %d, \"preferred_batch_size\": [%d], "
                            + "\"max_queue_delay_microseconds\": %d", maxBatch, maxBatch, delayMicros);
            return String.format(Locale.ROOT, "{%s, \"instance_count\": %d, \"engine_threads\": %d, \"warmup_runs\": 3}%n",
                    batching, instances, engineThreads);
        }
    }

    /** Held so that the level set stays (java.util.logging keeps loggers weakly): the server's start and stop lines
     * would break into the benchmark's report. */
    private static final java.util.logging.Logger JETTY = java.util.logging.Logger.getLogger("org.eclipse.jetty");

    private final V2HttpServer server;
    private final LoadGenerator.Settings probe;
    /** The client of {@link #infer}, made on its first call. */
    private LoadGenerator single;

    private ServedTarget(V2HttpServer server) {
        this.server = server;
        this.probe = settings(1, Duration.ofSeconds(1), Duration.ZERO);
    }

    /** A new, empty temporary repository; {@link #planPath} is where its plan goes. */
    public static Path newRepository() {
        try {
            return Files.createTempDirectory("jengine-served-");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a temporary model repository: " + e.getMessage(), e);
        }
    }

    /** Where {@code repository}'s plan file is: a build writes it there, or {@link #start} links one in. */
    public static Path planPath(Path repository) { return repository.resolve(MODEL).resolve("1").resolve("model.plan"); }

    /**
     * Serves {@code plan} (null: the plan already at {@link #planPath}) from {@code repository} with {@code setup};
     * returns once the model is loaded and warmed up.
     */
    public static ServedTarget start(Path repository, Path plan, Setup setup) {
        try {
            Path target = planPath(repository);
            Files.createDirectories(target.getParent());
            if (plan != null) {
                Files.deleteIfExists(target);
                link(plan.toAbsolutePath(), target);
            }
            Files.writeString(repository.resolve(MODEL).resolve("config.json"), setup.configJson());
            JETTY.setLevel(java.util.logging.Level.WARNING);
            V2HttpServer server = V2HttpServer.start(HttpOptions.of(repository).withPort(0));
            if (!server.inferenceServer().isModelReady(MODEL)) {
                String why = String.join("; ", server.repository().index().stream()
                        .map(io.jengine.serving.http.ModelRepository.Entry::reason).filter(r -> !r.isEmpty()).toList());
                server.close();
                throw new IllegalStateException("the plan did not load in the server: " + why);
            }
            return new ServedTarget(server);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot lay out the model repository " + repository + ": " + e.getMessage(), e);
        }
    }

    private static void link(Path plan, Path target) throws IOException {
        try {
            Files.createSymbolicLink(target, plan);
        } catch (UnsupportedOperationException | IOException e) {
            Files.copy(plan, target);
        }
    }

    /** The server's address, e.g. {@code http://127.0.0.1:40123}. */
    public URI url() { return server.address(); }

    /** Whether the served model's first input takes any number of rows (its V2 metadata gives -1 as dimension 0). */
    public boolean batchable() {
        try (LoadGenerator client = new LoadGenerator(probe, System.err)) {
            JsonNode shape = client.metadata().path("inputs").path(0).path("shape");
            return shape.isArray() && !shape.isEmpty() && shape.get(0).asLong() == -1;
        }
    }

    /** {@code clients} closed-loop clients sending {@code body} for {@code duration} after {@code warmup}. */
    public LoadResult load(InferBody body, int clients, Duration warmup, Duration duration, PrintStream progress)
            throws InterruptedException {
        try (LoadGenerator client = new LoadGenerator(settings(clients, duration, warmup), progress)) {
            client.check(body);
            return client.run(body);
        }
    }

    private LoadGenerator.Settings settings(int clients, Duration duration, Duration warmup) {
        return new LoadGenerator.Settings(url(), MODEL, clients, 0, 0, duration, warmup);
    }

    /** One request and its whole answer, on one kept connection (a JMH benchmark's operation); throws unless 200. */
    public void infer(InferBody body) {
        if (single == null) single = new LoadGenerator(probe, System.err);
        int status;
        try {
            status = single.sendOnce(body);
        } catch (IOException e) {
            throw new UncheckedIOException("POST to the served model failed: " + e.getMessage(), e);
        }
        if (status != 200) throw new IllegalStateException("the served model answered " + status);
    }

    @Override
    public void close() {
        try {
            if (single != null) single.close();
        } finally {
            server.close();
        }
    }

    /** Deletes a repository {@link #newRepository} made; its link to a plan is removed, never followed. */
    public static void deleteRepository(Path dir) {
        if (!Files.exists(dir)) return;
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        } catch (IOException e) {
            System.err.println("warning: could not delete the temporary model repository " + dir + ": " + e.getMessage());
        }
    }
}
