package io.jengine.tune;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a tuning pass chose and measured: a choice per tuned layer, how many candidates were timed or found in the
 * timing cache, and how long it took.
 */
public record TuningReport(List<LayerTuning> layers, int timed, int cacheHits, int skipped, double seconds) {
    /** Layer name to chosen tactic key: what the plan is built with. */
    public Map<String, String> choices() {
        Map<String, String> m = new LinkedHashMap<>();
        for (LayerTuning l : layers) m.put(l.layer(), l.chosen());
        return m;
    }
}
