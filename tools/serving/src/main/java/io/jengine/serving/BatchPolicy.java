package io.jengine.serving;

import java.util.ArrayList;
import java.util.List;

/**
 * Which queued requests form the next batch, and whether to send it now or wait for more: the decision of the dynamic
 * batcher, kept apart from the queue's locking so that it reads as the rule it is.
 *
 * @param maxBatchSize    rows per batch at most; 0 runs each request alone
 * @param preferred       batch sizes sent as soon as they are reached, ascending
 * @param maxDelayNanos   how long the oldest request may wait for batch-mates
 */
record BatchPolicy(int maxBatchSize, List<Integer> preferred, long maxDelayNanos) {
    /**
     * @param members   the batch, oldest first (empty when nothing live is queued)
     * @param stale     requests to take out unrun: cancelled, or past their deadline
     * @param waitNanos 0 to send the members now, else how long to wait for more before looking again
     */
    record Selection(List<PendingRequest> members, List<PendingRequest> stale, long waitNanos) {}

    static BatchPolicy unbatched() { return new BatchPolicy(0, List.of(), 0); }

    /**
     * Whether a request of {@code rows} would be sent on its own at once when nothing else is queued: nothing is
     * worth waiting for (no batching, or no queue delay), or it fills a batch or a preferred size by itself.
     */
    boolean sendsAlone(long rows) {
        return maxBatchSize == 0 || maxDelayNanos == 0 || rows >= maxBatchSize || preferred.contains((int) rows);
    }

    /**
     * @param closed whether the queue takes no more requests: then nothing more can join, so nothing waits
     */
    Selection select(Iterable<PendingRequest> queued, long now, boolean closed) {
        List<PendingRequest> members = new ArrayList<>();
        List<PendingRequest> stale = new ArrayList<>();
        PendingRequest oldest = null;
        long rows = 0;
        int preferredCut = 0;
        boolean full = false;
        for (PendingRequest p : queued) {
            if (p.future.isDone() || p.expiredAt(now)) {
                stale.add(p);
                continue;
            }
            if (oldest == null) {
                oldest = p;
            } else if (!p.shape.batchKey().equals(oldest.shape.batchKey())) {
                continue;
            } else if (rows + p.shape.rows() > maxBatchSize) {
                // Stop at the first that does not fit rather than reach past it: requests keep their order.
                full = true;
                break;
            }
            members.add(p);
            rows += p.shape.rows();
            if (maxBatchSize == 0 || rows == maxBatchSize) {
                full = true;
                break;
            }
            if (preferred.contains((int) rows)) preferredCut = members.size();
        }
        if (oldest == null || full || closed) return new Selection(members, stale, 0);
        long waited = now - oldest.acceptedNanos;
        if (waited >= maxDelayNanos) return new Selection(members, stale, 0);
        if (preferredCut > 0) return new Selection(members.subList(0, preferredCut), stale, 0);
        return new Selection(members, stale, maxDelayNanos - waited);
    }
}
