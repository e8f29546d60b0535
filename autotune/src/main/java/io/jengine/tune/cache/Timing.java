package io.jengine.tune.cache;

/**
 * A measured time of one tactic on one layer signature: the median over the timed runs, how far the runs spread around
 * it, and how many runs there were.
 *
 * @param medianMs the median time of one run in milliseconds; finite and greater than zero
 * @param spreadPercent the spread of the runs around the median in percent of it; finite and at least zero
 * @param runs the number of timed runs the median was taken over; at least one
 */
public record Timing(double medianMs, double spreadPercent, int runs) {
    /** Rejects values no measurement can produce, so that neither the tuner nor a cache file can carry them. */
    public Timing {
        if (!(Double.isFinite(medianMs) && medianMs > 0)) {
            throw new IllegalArgumentException("median must be finite and > 0 ms, got " + medianMs);
        }
        // Finite as well as >= 0: JSON has no infinity, so an infinite spread could not be written to the file.
        if (!(Double.isFinite(spreadPercent) && spreadPercent >= 0)) {
            throw new IllegalArgumentException("spread must be finite and >= 0 %, got " + spreadPercent);
        }
        if (runs < 1) throw new IllegalArgumentException("runs must be >= 1, got " + runs);
    }
}
