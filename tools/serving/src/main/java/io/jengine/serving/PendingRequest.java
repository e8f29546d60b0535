package io.jengine.serving;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A request the queue accepted, until it is answered. Exactly one party starts it or drops it: a worker claims it to
 * run, or the deadline timer (or a shutdown that ran out of time) drops it with an error, whichever comes first; a
 * caller's cancel completes the future, and a worker then skips it.
 */
final class PendingRequest {
    private static final int QUEUED = 0, RUNNING = 1, DROPPED = 2;

    final InferenceRequest request;
    final RequestShape shape;
    final CompletableFuture<InferenceResponse> future = new CompletableFuture<>();
    final long acceptedNanos;
    /** Nanos after {@link #acceptedNanos} by which the request must have started; 0: no limit. */
    final long timeoutNanos;
    private final AtomicInteger state = new AtomicInteger(QUEUED);
    private volatile Future<?> timer;

    PendingRequest(InferenceRequest request, RequestShape shape, long acceptedNanos, long timeoutNanos) {
        this.request = request;
        this.shape = shape;
        this.acceptedNanos = acceptedNanos;
        this.timeoutNanos = timeoutNanos;
    }

    /** Takes the request to run; false when it was dropped, or the caller cancelled it (nothing to run for). */
    boolean claim() {
        return !future.isDone() && state.compareAndSet(QUEUED, RUNNING);
    }

    /** Answers the request with {@code error} unless a worker took it first; true when this call answered it. */
    boolean drop(ServingException error) {
        if (!state.compareAndSet(QUEUED, DROPPED)) return false;
        future.completeExceptionally(error);
        return true;
    }

    boolean started() { return state.get() == RUNNING; }

    RequestTimeoutException timeoutError(String model) {
        return new RequestTimeoutException(describe() + " to model " + model + " waited "
                + TimeUnit.NANOSECONDS.toMillis(timeoutNanos) + " ms (its timeout) without starting");
    }

    /** {@code request 'id'}, or {@code request} when it has no id: how errors name it. */
    String describe() { return request.id() == null ? "request" : "request '" + request.id() + "'"; }

    boolean expiredAt(long nowNanos) { return timeoutNanos > 0 && nowNanos - acceptedNanos >= timeoutNanos; }

    void timer(Future<?> t) { timer = t; }

    /** Stops the deadline timer: it would only find the request answered, and it holds the request until it fires. */
    void cancelTimer() {
        Future<?> t = timer;
        if (t != null) t.cancel(false);
    }
}
