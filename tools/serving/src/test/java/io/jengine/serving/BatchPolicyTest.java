package io.jengine.serving;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The batcher's decision on queues written out by hand: what goes into the batch, and whether it goes now. */
class BatchPolicyTest {
    static final long MS = 1_000_000;
    final List<PendingRequest> queue = new ArrayList<>();

    PendingRequest queued(long rows, String key, long acceptedNanos) {
        PendingRequest p = new PendingRequest(InferenceRequest.of(Map.of()),
                new RequestShape(rows, List.of("y"), key), acceptedNanos, 0);
        queue.add(p);
        return p;
    }

    static BatchPolicy policy(int max, long delayMs, Integer... preferred) {
        return new BatchPolicy(max, List.of(preferred), delayMs * MS);
    }

    @Test
    void waitsForBatchMatesUntilTheOldestHasWaitedTheDelay() {
        PendingRequest a = queued(1, "k", 0);
        PendingRequest b = queued(2, "k", 1 * MS);
        BatchPolicy.Selection early = policy(8, 10).select(queue, 4 * MS, false);
        assertEquals(List.of(a, b), early.members());
        assertEquals(6 * MS, early.waitNanos());
        assertEquals(0, policy(8, 10).select(queue, 10 * MS, false).waitNanos());
    }

    @Test
    void aFullBatchGoesAtOnceAndOnlyMatchingRequestsJoin() {
        PendingRequest a = queued(2, "k", 0);
        queued(1, "other shape", 0);
        PendingRequest c = queued(2, "k", 0);
        queued(1, "k", 0);
        BatchPolicy.Selection s = policy(4, 1000).select(queue, 0, false);
        assertEquals(List.of(a, c), s.members());
        assertEquals(0, s.waitNanos());
    }

    @Test
    void theFirstRequestThatDoesNotFitEndsTheBatch() {
        PendingRequest a = queued(3, "k", 0);
        queued(3, "k", 0);
        queued(1, "k", 0);
        BatchPolicy.Selection s = policy(4, 1000).select(queue, 0, false);
        assertEquals(List.of(a), s.members(), "requests keep their order: the later small one does not jump ahead");
        assertEquals(0, s.waitNanos());
    }

    @Test
    void theLargestPreferredSizeReachedGoesAtOnce() {
        PendingRequest a = queued(2, "k", 0);
        PendingRequest b = queued(2, "k", 0);
        queued(1, "k", 0);
        BatchPolicy.Selection s = policy(8, 1000, 2, 4).select(queue, 0, false);
        assertEquals(List.of(a, b), s.members());
        assertEquals(0, s.waitNanos());
    }

    @Test
    void cancelledAndExpiredRequestsAreTakenOutUnrun() {
        PendingRequest cancelled = queued(1, "k", 0);
        cancelled.future.cancel(false);
        PendingRequest expired = new PendingRequest(InferenceRequest.of(Map.of()), new RequestShape(1, List.of(), "k"),
                0, 5 * MS);
        queue.add(expired);
        PendingRequest live = queued(1, "k", 0);
        BatchPolicy.Selection s = policy(8, 0).select(queue, 5 * MS, false);
        assertEquals(List.of(cancelled, expired), s.stale());
        assertEquals(List.of(live), s.members());
    }

    @Test
    void unbatchedTakesOneAndAClosedQueueDoesNotWait() {
        PendingRequest a = queued(1, "", 0);
        queued(1, "", 0);
        assertEquals(List.of(a), BatchPolicy.unbatched().select(queue, 0, false).members());
        assertEquals(0, policy(8, 1000).select(queue, 0, true).waitNanos());
    }
}
