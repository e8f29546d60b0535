package io.jengine.spi;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntConsumer;

/**
 * The process-wide pool that kernels split their work over: one set of daemon worker threads (the machine's cores
 * minus one, since the calling thread works too) shared by every engine and session, so that concurrent sessions
 * queue for the same cores instead of each starting its own threads and oversubscribing them.
 *
 * <p>A kernel cuts its output into a fixed number of tasks (tiles) that depend only on the shapes and the thread
 * count it was given, never on timing; any participant may take any task, and each task writes its own part of the
 * output with a fixed summation order, so results are identical from run to run whichever thread ran what.
 */
public final class IntraOpPool {
    private static final IntraOpPool SHARED = new IntraOpPool(Runtime.getRuntime().availableProcessors());

    private final int cores;
    private final ExecutorService workers;

    private IntraOpPool(int cores) {
        this.cores = Math.max(1, cores);
        this.workers = Executors.newFixedThreadPool(Math.max(1, this.cores - 1), r -> {
            Thread t = new Thread(r, "jengine-intra-op");
            t.setDaemon(true);
            return t;
        });
    }

    /** The one pool of the process. */
    public static IntraOpPool shared() { return SHARED; }

    /** The machine's cores as the JVM sees them: the default thread count of an engine. */
    public int cores() { return cores; }

    /**
     * Runs {@code body} for every task index in [0, tasks), on up to {@code threads} threads including the caller,
     * and returns when all are done. The first exception a task throws is rethrown here (after the others finish).
     */
    public void parallelFor(int threads, int tasks, IntConsumer body) {
        if (tasks <= 0) return;
        int helpers = Math.min(Math.min(threads, cores), tasks) - 1;
        if (helpers <= 0) {
            for (int t = 0; t < tasks; t++) body.accept(t);
            return;
        }
        Job job = new Job(tasks, body);
        for (int i = 0; i < helpers; i++) workers.execute(job::work);
        job.work();
        job.awaitTasks();
    }

    /**
     * One parallelFor call: a shared task counter and a count of finished tasks. The caller waits for tasks, not for
     * helpers, so a helper queued behind another session's work and started late finds nothing left and costs nothing.
     */
    private static final class Job {
        private final int tasks;
        private final IntConsumer body;
        private final AtomicInteger next = new AtomicInteger();
        private final AtomicInteger finished = new AtomicInteger();
        private final AtomicReference<Throwable> failure = new AtomicReference<>();
        private final Thread caller = Thread.currentThread();

        Job(int tasks, IntConsumer body) {
            this.tasks = tasks;
            this.body = body;
        }

        void work() {
            for (int t; (t = next.getAndIncrement()) < tasks; ) {
                try {
                    // After a failure the remaining tasks are still claimed and counted, but skipped.
                    if (failure.get() == null) body.accept(t);
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                } finally {
                    if (finished.incrementAndGet() == tasks && Thread.currentThread() != caller) LockSupport.unpark(caller);
                }
            }
        }

        void awaitTasks() {
            // The last tasks end within one task's time of the caller's, so spin briefly before parking.
            for (int spin = 0; finished.get() != tasks; spin++) {
                if (spin < 2000) Thread.onSpinWait(); else LockSupport.parkNanos(this, 50_000);
            }
            Throwable e = failure.get();
            if (e instanceof RuntimeException r) throw r;
            if (e instanceof Error err) throw err;
            if (e != null) throw new IllegalStateException(e);
        }
    }
}
