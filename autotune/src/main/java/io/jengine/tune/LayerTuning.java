package io.jengine.tune;

import java.util.List;

/**
 * The tuner's choice for one layer.
 *
 * @param layer       the node's name
 * @param op          its op type
 * @param signature   the tuning problem it is ({@link LayerSignature})
 * @param chosen      the chosen tactic's key
 * @param defaultKey  the tactic the untuned plan would run
 * @param predictedMs the model's time for the chosen tactic (NaN when unknown)
 * @param measuredMs  the chosen tactic's measured time (NaN at level 0)
 * @param defaultMs   the default tactic's measured time (NaN when not timed)
 * @param candidates  every candidate, best predicted first
 * @param sharedWith  the layer with the same signature that was tuned for this one, or null
 */
public record LayerTuning(String layer, String op, String signature, String chosen, String defaultKey,
                          double predictedMs, double measuredMs, double defaultMs, List<Candidate> candidates,
                          String sharedWith) {
    /** The default's time over the chosen one's; NaN when either was not measured. */
    public double speedup() { return defaultMs / measuredMs; }

    /** The same choice for another layer with this signature. */
    LayerTuning sharedBy(String otherLayer) {
        return new LayerTuning(otherLayer, op, signature, chosen, defaultKey, predictedMs, measuredMs, defaultMs,
                candidates, layer);
    }
}
