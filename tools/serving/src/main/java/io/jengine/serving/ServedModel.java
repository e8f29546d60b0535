package io.jengine.serving;

import io.jengine.runtime.Session;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

/**
 * One loaded version of a model while it serves: its engine, the validator and queue in front of it, one session per
 * instance and one worker thread per instance, which takes a free session for each batch. A caller that waits for its
 * answer, on a platform thread, runs its request itself on a free session when the request would go out alone at once
 * anyway (nothing queued, nothing to wait for): the hand-offs to a worker and back cost a lone small request a third
 * of its time on the server (digits_cnn: 150-235 us in the model against 115-130 run by the caller). Retiring it
 * closes the queue; the workers run what it holds, and the last one out waits for every session to come back and
 * closes the engine, so that no request accepted here is lost to a reload or an unload.
 */
final class ServedModel {
    final String name;
    final int version;
    final LoadedModel loaded;
    final ModelConfig config;
    /** Whether requests are stacked into batches: asked for by the config, and possible for the model. */
    final boolean batching;
    private final String label;
    private final ModelMetrics metrics;
    private final RequestValidator validator;
    private final RequestQueue queue;
    private final BatchRunner runner;
    private final ScheduledExecutorService deadlines;
    private final AtomicInteger liveWorkers;
    /** Sessions not running anything: a worker takes one per batch, a caller running its own request one for it. */
    private final BlockingQueue<Session> freeSessions;
    private final CompletableFuture<Void> terminated = new CompletableFuture<>();
    private volatile boolean retired;

    private ServedModel(String name, int version, LoadedModel loaded, ModelConfig config, ModelMetrics metrics,
                        ScheduledExecutorService deadlines) {
        this.name = name;
        this.version = version;
        this.loaded = loaded;
        this.config = config;
        this.batching = loaded.signature().batchedBy(config);
        this.label = label(name, version);
        this.metrics = metrics;
        this.deadlines = deadlines;
        this.validator = new RequestValidator(label, loaded.signature(), batching, config);
        BatchPolicy policy = batching ? new BatchPolicy(config.maxBatchSize(), config.preferredBatchSizes(),
                TimeUnit.MICROSECONDS.toNanos(config.maxQueueDelayMicros())) : BatchPolicy.unbatched();
        this.queue = new RequestQueue(config.maxQueueSize(), policy, metrics.queueDepth);
        this.runner = new BatchRunner(name, version, loaded.signature(), metrics);
        this.liveWorkers = new AtomicInteger(config.instanceCount());
        this.freeSessions = new ArrayBlockingQueue<>(config.instanceCount());
    }

    /** Starts serving {@code loaded} as this version: its workers start, and it takes requests at once. */
    static ServedModel start(String name, int version, LoadedModel loaded, ModelConfig config, ModelMetrics metrics,
                             ScheduledExecutorService deadlines) {
        ServedModel m = new ServedModel(name, version, loaded, config, metrics, deadlines);
        for (int i = 0; i < config.instanceCount(); i++) m.freeSessions.add(loaded.engine().newSession());
        metrics.loaded(loaded.loadNanos());
        if (loaded.warmupNanos() >= 0) metrics.warmedUp(loaded.warmupNanos());
        List<Thread> workers = IntStream.range(0, config.instanceCount())
                .mapToObj(i -> Thread.ofPlatform().name("jengine-serving-" + name + "-v" + version + "-" + i)
                        .daemon(true).unstarted(m::work)).toList();
        workers.forEach(Thread::start);
        return m;
    }

    /** {@code 'digits' (version 1)}: how messages name a model version. */
    static String label(String name, int version) { return "'" + name + "' (version " + version + ")"; }

    /**
     * Validates and queues the request. Errors come back in the future, never thrown; null when this version no
     * longer takes requests (retired by a reload or an unload), so that the caller looks the model up again.
     *
     * @param callerWaits whether the calling thread will wait for the answer: then it may run the request itself
     */
    CompletableFuture<InferenceResponse> submit(InferenceRequest request, boolean callerWaits) {
        RequestShape shape;
        try {
            shape = validator.check(request);
        } catch (InvalidRequestException e) {
            metrics.count(ModelMetrics.Outcome.FAILURE);
            return CompletableFuture.failedFuture(e);
        }
        // Not on a virtual thread: kernels keep their scratch per thread, and a virtual thread per request would
        // build it anew each time (resnet18 over HTTP: p50 30 against 28 ms, 1.8 against 1.0-1.2 GB resident).
        if (callerWaits && !Thread.currentThread().isVirtual() && queue.idleFor(shape.rows())) {
            CompletableFuture<InferenceResponse> ran = runHere(request, shape);
            if (ran != null) return ran;
        }
        long timeout = (request.timeout() != null ? request.timeout() : config.defaultTimeout()).toNanos();
        PendingRequest p = new PendingRequest(request, shape, System.nanoTime(), timeout);
        try {
            if (timeout > 0) {
                p.timer(deadlines.schedule(() -> p.drop(p.timeoutError(label)), timeout, TimeUnit.NANOSECONDS));
            }
        } catch (RejectedExecutionException e) {
            return null; // the server is closing: the caller finds that out when it looks again
        }
        p.future.whenComplete((response, error) -> {
            p.cancelTimer();
            if (!p.started()) queue.remove(p);
            metrics.answered(p, error, System.nanoTime());
        });
        switch (queue.offer(p)) {
            case ACCEPTED -> { }
            case FULL -> p.drop(new ServerBusyException("model " + label + " has " + config.maxQueueSize()
                    + " requests queued (its maxQueueSize); try again later"));
            case CLOSED -> {
                p.cancelTimer();
                return null;
            }
        }
        return p.future;
    }

    /**
     * Runs the request on the calling thread with a free session, answered when this returns; null when no session
     * is free (the request then queues). A retirement that starts meanwhile waits for the session to come back
     * before it closes the engine.
     */
    private CompletableFuture<InferenceResponse> runHere(InferenceRequest request, RequestShape shape) {
        Session session = freeSessions.poll();
        if (session == null) return null;
        try {
            PendingRequest p = new PendingRequest(request, shape, System.nanoTime(), 0);
            p.future.whenComplete((response, error) -> metrics.answered(p, error, System.nanoTime()));
            p.claim();
            runner.run(session, List.of(p));
            return p.future;
        } finally {
            freeSessions.add(session);
        }
    }

    private void work() {
        try {
            for (List<PendingRequest> batch; (batch = queue.nextBatch()) != null; ) {
                Session session;
                try {
                    session = freeSessions.take(); // waits only while callers run their own requests on them all
                } catch (InterruptedException e) {
                    runner.fail(batch, new ModelUnavailableException("model " + label + " stopped before the "
                            + "request ran"));
                    throw e;
                }
                try {
                    runner.run(session, batch);
                } finally {
                    freeSessions.add(session);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // nothing here interrupts workers: whoever did wants the thread back
        } finally {
            if (liveWorkers.decrementAndGet() == 0) {
                // Normally the queue is closed and empty by now; an interrupted last worker leaves requests behind.
                queue.abandon(new ModelUnavailableException("model " + label + " stopped before the request ran"));
                closeSessions();
                loaded.engine().close();
                terminated.complete(null);
            }
        }
    }

    /** Closes every session once it is free: a caller may still be running its own request on one. */
    private void closeSessions() {
        boolean interrupted = Thread.interrupted();
        for (int closed = 0; closed < config.instanceCount(); ) {
            try {
                freeSessions.take().close();
                closed++;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) Thread.currentThread().interrupt();
    }

    /**
     * Takes no more requests; those queued still run. The future completes once the last of them is answered and
     * the engine is closed.
     */
    CompletableFuture<Void> retire() {
        retired = true;
        queue.close();
        return terminated;
    }

    /** Answers every request still queued with {@code error}: a shutdown that ran out of time. */
    void abandon(ServingException error) { queue.abandon(error); }

    /** Taking requests: not retired, and its workers running (they stop early only when interrupted). */
    boolean isReady() { return !retired && !terminated.isDone(); }

    boolean isTerminated() { return terminated.isDone(); }

    String label() { return label; }
}
