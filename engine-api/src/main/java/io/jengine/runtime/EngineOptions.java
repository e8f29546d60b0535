package io.jengine.runtime;

import io.jengine.errors.EngineException;
import io.jengine.spi.IntraOpPool;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How an engine plans and runs, beyond the model itself.
 *
 * @param threads intra-op threads per run (work is split over {@link IntraOpPool#shared()}); 0 means the machine's
 *                cores
 * @param tactics forced tactics: a layer name or an op type mapped to a tactic name ("conv.winograd-f4x4") or key
 *                ("cpu-simd:conv.winograd-f4x4"); a layer name wins over its op type
 */
public record EngineOptions(int threads, Map<String, String> tactics) {
    public EngineOptions {
        if (threads < 0) throw new EngineException("threads must be 0 (all cores) or more, got " + threads);
        tactics = Map.copyOf(tactics);
    }

    public static EngineOptions defaults() { return new EngineOptions(0, Map.of()); }

    /** The thread count runs use: {@link #threads()}, or the machine's cores when that is 0. */
    public int effectiveThreads() { return threads == 0 ? IntraOpPool.shared().cores() : threads; }

    public EngineOptions withThreads(int n) { return new EngineOptions(n, tactics); }

    /** These options plus one forced tactic. */
    public EngineOptions withTactic(String layerOrOp, String tactic) {
        Map<String, String> m = new LinkedHashMap<>(tactics);
        m.put(layerOrOp, tactic);
        return new EngineOptions(threads, m);
    }

    /**
     * Parses "LAYER_OR_OP=NAME" as given on the command line; the split is at the last '=', since layer names may
     * hold '=' but tactic names never do.
     */
    public EngineOptions withTactic(String assignment) {
        int eq = assignment.lastIndexOf('=');
        if (eq <= 0 || eq == assignment.length() - 1) {
            throw new EngineException("--tactic expects LAYER_OR_OP=NAME, got '" + assignment + "'");
        }
        return withTactic(assignment.substring(0, eq), assignment.substring(eq + 1));
    }
}
