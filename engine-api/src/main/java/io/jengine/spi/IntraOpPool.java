package io.jengine.spi;

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
 *
 * <p>A call allocates nothing and takes no lock once warm: each calling thread keeps a few job records and reuses one
 * that no helper still holds, and hands it to idle workers through each worker's own mailbox (a compare-and-set, then
 * an unpark). A worker that is busy (another session's job) is simply not asked: the caller does the work it would
 * have done. So a steady-state run stays within its small heap budget at any thread count, and a caller never waits
 * on a lock a waking worker holds.
 *
 * <p>A native library with a thread team of its own (oneDNN's OpenMP threads) may lend that team to the pool
 * ({@link #useTeam}): calls then run their tasks on it, so that the engine's own kernels and the library's share one
 * set of threads. With two sets, each switch between a library call and a pool call waits for the other set's
 * sleeping threads to wake, and the one set's idle spinning takes cores from the other. While the team is busy (another
 * caller has it) a call goes to the pool's own workers as before.
 */
public final class IntraOpPool {
    private static final IntraOpPool SHARED = new IntraOpPool(Runtime.getRuntime().availableProcessors());
    /** How many job records a calling thread keeps: a helper that woke late may still hold the last one or two. */
    private static final int SPARES = 4;

    private final int cores;
    private final Worker[] workers;
    /** A lent thread team, or null: the pool's own workers. */
    private volatile Team team;
    /** The calling thread's job records, each reused once no helper of an earlier call still holds it. */
    private final ThreadLocal<Job[]> spares = ThreadLocal.withInitial(() -> new Job[SPARES]);

    private IntraOpPool(int cores) {
        this.cores = Math.max(1, cores);
        workers = new Worker[Math.max(1, this.cores - 1)];
        for (int i = 0; i < workers.length; i++) {
            workers[i] = new Worker();
            Thread t = new Thread(workers[i], "jengine-intra-op-" + i);
            t.setDaemon(true);
            workers[i].thread = t;
            t.start();
        }
    }

    /** The one pool of the process. */
    public static IntraOpPool shared() { return SHARED; }

    /** The machine's cores as the JVM sees them: the default thread count of an engine. */
    public int cores() { return cores; }

    /**
     * A set of threads that runs one body on several threads at once, the caller among them: a fork-join region as
     * OpenMP's {@code parallel} construct makes one.
     */
    public interface Team {
        /**
         * Runs {@code participant} once on each of {@code threads} threads, the calling thread included, and returns
         * when every run has returned; returns false at once, having run nothing, where the team is in use. {@code
         * participant} throws nothing.
         */
        boolean run(int threads, Runnable participant);
    }

    /** Lends the pool a thread team that later calls run their tasks on (null: the pool's own workers again). */
    public void useTeam(Team team) { this.team = team; }

    /** The thread team calls run on, or null where they run on the pool's own workers. */
    public Team team() { return team; }

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
        Job job = idleJob();
        Team lent = team;
        if (lent != null) {
            // held (as by one helper) while the region runs, so that a call from inside a task takes another record
            job.start(tasks, body, 1, true);
            boolean ran;
            try {
                ran = lent.run(helpers + 1, job);
            } finally {
                job.leave();
            }
            if (ran) {
                job.awaitTasks(); // every task is done when the region ends: this only reports a failure
                return;
            }
        }
        job.start(tasks, body, helpers, false);
        int asked = 0;
        for (Worker w : workers) {
            if (asked == helpers) break;
            if (w.offer(job)) asked++;
        }
        for (int i = asked; i < helpers; i++) job.leave(); // no idle worker for these: the caller covers their share
        job.work();
        job.awaitTasks();
    }

    private Job idleJob() {
        Job[] jobs = spares.get();
        for (int i = 0; i < jobs.length; i++) {
            if (jobs[i] == null) return jobs[i] = new Job();
            if (jobs[i].idle()) return jobs[i];
        }
        // Every record is still held by a helper that woke late: replace one (it is collected once released).
        return jobs[0] = new Job();
    }

    /** A worker thread and its mailbox: the job it is asked to help with, or null while it is free. */
    private static final class Worker implements Runnable {
        private final AtomicReference<Job> mailbox = new AtomicReference<>();
        private volatile Thread thread;

        /** Asks this worker to help with {@code job}; false when it is busy with another. */
        boolean offer(Job job) {
            if (!mailbox.compareAndSet(null, job)) return false;
            LockSupport.unpark(thread);
            return true;
        }

        @Override
        public void run() {
            while (true) {
                Job job = mailbox.get();
                if (job == null) {
                    LockSupport.park(this); // woken by offer; a spurious return just looks again
                    continue;
                }
                job.work();
                mailbox.set(null);
                job.leave();
            }
        }
    }

    /**
     * One parallelFor call: a shared task counter and a count of finished tasks. The caller waits for tasks, not for
     * helpers, so a helper that wakes late finds nothing left and costs nothing;
     * the record is reused only after every helper it was handed to has left it.
     */
    private static final class Job implements Runnable {
        private final AtomicInteger next = new AtomicInteger();
        private final AtomicInteger finished = new AtomicInteger();
        private final AtomicInteger helpersHolding = new AtomicInteger();
        private final AtomicReference<Throwable> failure = new AtomicReference<>();
        private final Thread caller = Thread.currentThread();
        private volatile int tasks;
        private volatile IntConsumer body;
        /** Run by a lent team, whose region ends only after every task: the caller is never parked waiting. */
        private volatile boolean teamed;

        boolean idle() { return helpersHolding.get() == 0; }

        /** One team thread's part: it takes tasks until none is left. */
        @Override
        public void run() { work(); }

        void start(int tasks, IntConsumer body, int helpers, boolean teamed) {
            this.body = body;
            this.teamed = teamed;
            failure.set(null);
            finished.set(0);
            helpersHolding.set(helpers);
            this.tasks = tasks;
            next.set(0); // last: a helper can claim no task before the call's fields are set
        }

        void leave() {
            helpersHolding.decrementAndGet();
        }

        void work() {
            int n = tasks;
            IntConsumer b = body;
            for (int t; (t = next.getAndIncrement()) < n; ) {
                try {
                    // After a failure the remaining tasks are still claimed and counted, but skipped.
                    if (failure.get() == null) b.accept(t);
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                } finally {
                    if (finished.incrementAndGet() == n && !teamed && Thread.currentThread() != caller) {
                        LockSupport.unpark(caller);
                    }
                }
            }
        }

        void awaitTasks() {
            // The last tasks end within one task's time of the caller's, so spin briefly before parking.
            for (int spin = 0; finished.get() != tasks; spin++) {
                if (spin < 2000) Thread.onSpinWait(); else LockSupport.parkNanos(this, 50_000);
            }
            Throwable e = failure.get();
            body = null; // the kernel's closure is not kept alive between calls
            if (e instanceof RuntimeException r) throw r;
            if (e instanceof Error err) throw err;
            if (e != null) throw new IllegalStateException(e);
        }
    }
}
