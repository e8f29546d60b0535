package io.jengine.serving;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A model's bounded queue and its dynamic batcher, with Triton's {@code dynamic_batching} semantics: a worker takes
 * the oldest request and the requests after it that share its batch key, in order, while their rows fit the maximum
 * batch size; it sends them when the batch is full (or the next one would not fit), when a preferred batch size is
 * reached (the largest one reached), or when the oldest has waited the maximum queue delay, whichever comes first.
 * A request that is cancelled or past its deadline is taken out, never run.
 *
 * <p>Futures are never completed while the lock is held: completion runs the caller's callbacks.
 */
final class RequestQueue {
    enum Admission { ACCEPTED, FULL, CLOSED }

    private final ReentrantLock lock = new ReentrantLock();
    /** Signalled when a request arrives or the queue closes: a worker gathering a batch looks again. */
    private final Condition changed = lock.newCondition();
    /** Insertion order is age order; removal from the middle (batch members, cancellations) is constant time. */
    private final LinkedHashSet<PendingRequest> waiting = new LinkedHashSet<>();
    private final int capacity;
    private final BatchPolicy policy;
    private final AtomicInteger depth;
    private boolean closed;

    /**
     * @param depth the queue depth the metrics show, shared with the queues of earlier loads of the same version
     *              (a reload's old queue drains while the new one fills)
     */
    RequestQueue(int capacity, BatchPolicy policy, AtomicInteger depth) {
        this.capacity = capacity;
        this.policy = policy;
        this.depth = depth;
    }

    Admission offer(PendingRequest p) {
        lock.lock();
        try {
            if (closed) return Admission.CLOSED;
            if (waiting.size() >= capacity) return Admission.FULL;
            waiting.add(p);
            depth.incrementAndGet();
            changed.signalAll();
            return Admission.ACCEPTED;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Whether a request of {@code rows} would go out alone at once: the queue is open, nothing waits in it, and the
     * policy would not hold the request back for batch-mates. Its caller may then run it itself.
     */
    boolean idleFor(long rows) {
        lock.lock();
        try {
            return !closed && waiting.isEmpty() && policy.sendsAlone(rows);
        } finally {
            lock.unlock();
        }
    }

    /** Forgets a request answered while queued (cancelled, timed out): its place is free for another. */
    void remove(PendingRequest p) {
        lock.lock();
        try {
            if (waiting.remove(p)) depth.decrementAndGet();
        } finally {
            lock.unlock();
        }
    }

    /**
     * The next batch to run, claimed for the calling worker; null once the queue is closed and empty. Waits without
     * spinning: for a request, or until the oldest request's queue delay runs out.
     */
    List<PendingRequest> nextBatch() throws InterruptedException {
        lock.lockInterruptibly();
        try {
            for (;;) {
                BatchPolicy.Selection s = policy.select(waiting, System.nanoTime(), closed);
                // Cancelled requests are answered already; expired ones by their deadline timer, which is due.
                for (PendingRequest p : s.stale()) take(p);
                if (s.members().isEmpty()) {
                    if (closed) return null;
                    changed.await();
                    continue;
                }
                if (s.waitNanos() > 0) {
                    changed.awaitNanos(s.waitNanos());
                    continue;
                }
                List<PendingRequest> batch = new ArrayList<>(s.members().size());
                for (PendingRequest p : s.members()) {
                    take(p);
                    if (p.claim()) batch.add(p);
                }
                if (!batch.isEmpty()) return batch;
            }
        } finally {
            lock.unlock();
        }
    }

    /** Stops accepting; what is queued still runs, without waiting for batch-mates that can no longer come. */
    void close() {
        lock.lock();
        try {
            closed = true;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Closes the queue and answers everything still queued with {@code error} (a shutdown out of time). */
    void abandon(ServingException error) {
        List<PendingRequest> left;
        lock.lock();
        try {
            closed = true;
            left = new ArrayList<>(waiting);
            for (PendingRequest p : left) take(p);
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        for (PendingRequest p : left) p.drop(error);
    }

    private void take(PendingRequest p) {
        if (waiting.remove(p)) depth.decrementAndGet();
    }
}
