package io.jengine.tune;

/**
 * One candidate of a layer as the tuner saw it.
 *
 * @param key         the tactic key, tiling included
 * @param predictedMs the cost model's time; NaN when the tactic gives the model nothing to go on
 * @param measuredMs  the median measured time; NaN when not timed (or it failed)
 * @param fromCache   whether the measured time came from the timing cache
 * @param failure     why it could not be prepared or run, or null
 */
public record Candidate(String key, double predictedMs, double measuredMs, boolean fromCache, String failure) {
    boolean timed() { return !Double.isNaN(measuredMs); }
}
