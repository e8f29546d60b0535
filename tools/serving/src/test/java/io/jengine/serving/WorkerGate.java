package io.jengine.serving;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Holds a model's worker inside the completion of one request, through a callback that waits for {@link #release}:
 * what a slow client callback does. While it is held nothing else runs on that worker, so a test fills the queue,
 * lets deadlines pass or shuts down with requests queued, deterministically, however loaded the machine is.
 */
final class WorkerGate implements AutoCloseable {
    private final CountDownLatch release = new CountDownLatch(1);
    private int sent;

    private WorkerGate() {}

    /** Requests sent to hold the worker: 1, or more when one was answered before its callback was attached. */
    int sent() { return sent; }

    /** Sends {@code request} and returns once a worker is held in its completion. */
    static WorkerGate hold(ModelHandle model, InferenceRequest request) throws InterruptedException {
        WorkerGate gate = new WorkerGate();
        for (;;) {
            CountDownLatch held = new CountDownLatch(1);
            AtomicBoolean answeredAlready = new AtomicBoolean();
            gate.sent++;
            model.inferAsync(request).whenComplete((r, e) -> {
                if (!Thread.currentThread().getName().startsWith("jengine-serving-")) {
                    // Completed before the callback was attached: it runs here, on the test's thread. Try again.
                    answeredAlready.set(true);
                    return;
                }
                held.countDown();
                gate.awaitRelease();
            });
            if (!answeredAlready.get()) {
                held.await();
                return gate;
            }
        }
    }

    private void awaitRelease() {
        boolean interrupted = false;
        for (;;) {
            try {
                release.await();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) Thread.currentThread().interrupt();
    }

    /** Lets the worker go on. */
    void release() { release.countDown(); }

    @Override
    public void close() { release(); }
}
