package io.jengine.serving;

import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * The address of a served model, as a URL names it: a model name, and a version or none (the latest). Every call
 * looks the model up again, so a handle stays good across reloads (each request goes to the version serving when it
 * arrives) and fails with {@link ModelNotFoundException} once the model is unloaded. Thread-safe.
 */
public final class ModelHandle {
    private final InferenceServer server;
    private final String name;
    private final int version;

    ModelHandle(InferenceServer server, String name, int version) {
        this.server = server;
        this.name = name;
        this.version = version;
    }

    public String name() { return name; }

    /** The version that serves this handle now: the one it names, or the latest loaded. */
    public int version() { return served().version; }

    /** Name, versions, platform, inputs and outputs, as KServe V2's model metadata. */
    public ModelMetadata metadata() {
        ServedModel m = served();
        return new ModelMetadata(name, server.versions(name).stream().map(String::valueOf).toList(),
                m.loaded.platform(), m.loaded.signature().inputs, m.loaded.signature().outputs);
    }

    public ModelConfig config() { return served().config; }

    /**
     * Whether requests are stacked into batches: the config's maxBatchSize is above 0 and every input and output of
     * the model has an open leading dimension. Otherwise each request runs on its own.
     */
    public boolean batching() { return served().batching; }

    /** Whether the model is loaded and takes requests. */
    public boolean isReady() { return server.isModelReady(name, version); }

    /**
     * Queues the request. Every error comes back in the future rather than thrown: {@link InvalidRequestException}
     * (checked before queuing), {@link ModelNotFoundException}, {@link ServerBusyException} (queue full),
     * {@link ModelUnavailableException} (shutting down), {@link RequestTimeoutException},
     * {@link InferenceFailedException}. Cancelling the future before the request runs takes it out of the queue.
     *
     * <p>Callbacks attached without an executor run on the thread that answers: a model's worker, or the thread that
     * fires timeouts. A slow one holds up that worker's next batch: hand long work to an executor ({@code *Async}).
     */
    public CompletableFuture<InferenceResponse> inferAsync(InferenceRequest request) {
        return submit(request, false);
    }

    /** @param callerWaits whether the caller waits for the answer, so that it may run a lone request itself */
    private CompletableFuture<InferenceResponse> submit(InferenceRequest request, boolean callerWaits) {
        Objects.requireNonNull(request, "request");
        ServedModel refused = null;
        for (;;) {
            ServedModel m;
            try {
                m = server.resolve(name, version);
            } catch (ServingException e) {
                return CompletableFuture.failedFuture(e);
            }
            if (m == refused) {
                return CompletableFuture.failedFuture(new ModelUnavailableException("model " + m.label()
                        + " takes no requests: its workers stopped"));
            }
            CompletableFuture<InferenceResponse> f = m.submit(request, callerWaits);
            if (f != null) return f;
            // m was retired between the lookup and the submit: a reload's successor (or the absence an unload or
            // shutdown leaves) is what the next lookup finds. Finding m again means it stopped without a successor.
            refused = m;
        }
    }

    /**
     * Runs the request and waits for its response; the errors of {@link #inferAsync} are thrown as they are. On a
     * platform thread, a request that would go out alone at once (nothing queued, no batch worth waiting for) runs on
     * the calling thread, saving the hand-offs to a worker and back. An
     * interrupt while waiting cancels the request (it is not run if it has not started) and throws
     * {@link CancellationException} with the thread's interrupt flag set.
     */
    public InferenceResponse infer(InferenceRequest request) {
        CompletableFuture<InferenceResponse> f = submit(request, true);
        try {
            return f.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) throw r;
            throw new InferenceFailedException("model '" + name + "': " + e.getCause(), e.getCause());
        } catch (InterruptedException e) {
            f.cancel(false);
            Thread.currentThread().interrupt();
            throw new CancellationException("interrupted while waiting for model '" + name + "'");
        }
    }

    private ServedModel served() { return server.resolve(name, version); }

    @Override
    public String toString() {
        return "model '" + name + "' " + (version == ModelTable.LATEST ? "(latest version)" : "version " + version);
    }
}
