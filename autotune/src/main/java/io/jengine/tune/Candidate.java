package io.jengine.tune;

/**
 * One candidate of a layer as the tuner saw it.
 *
 * @param key         the tactic key, tiling included
 * @param predictedMs the cost model's time; NaN when the tactic gives the model nothing to go on
 * @param measuredMs  the measured time (timed now or found in the timing cache); NaN when not timed (or it failed)
 * @param failure     why it could not be prepared or run, or null
 */
public record Candidate(String key, double predictedMs, double measuredMs, String failure) {
    public boolean timed() { return !Double.isNaN(measuredMs); }
}
