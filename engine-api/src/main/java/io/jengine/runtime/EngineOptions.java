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
 * @param host    the host's measured speed, with which a plan for a device weighs running a part the device takes on
 *                the host instead, to save its copies ({@link DevicePlacement}); null: every node the device takes
 *                runs there
 */
public record EngineOptions(int threads, Map<String, String> tactics, Map<String, String> preferred,
                            Map<String, InputRange> inputRanges, PreparedKernels prepared,
                            io.jengine.spi.PackedStore packed, HostSpeed host) {
    public EngineOptions {
        if (threads < 0) throw new EngineException("threads must be 0 (all cores) or more, got " + threads);
        tactics = Map.copyOf(tactics);
        preferred = Map.copyOf(preferred);
        inputRanges = Map.copyOf(inputRanges);
        if (prepared == null) prepared = PreparedKernels.NONE;
        if (packed == null) packed = io.jengine.spi.PackedStore.NONE;
    }

    public EngineOptions(int threads, Map<String, String> tactics, Map<String, String> preferred,
                         Map<String, InputRange> inputRanges, PreparedKernels prepared,
                         io.jengine.spi.PackedStore packed) {
        this(threads, tactics, preferred, inputRanges, prepared, packed, null);
    }

    public EngineOptions(int threads, Map<String, String> tactics, Map<String, String> preferred,
                         Map<String, InputRange> inputRanges, PreparedKernels prepared) {
        this(threads, tactics, preferred, inputRanges, prepared, io.jengine.spi.PackedStore.NONE);
    }

    public EngineOptions(int threads, Map<String, String> tactics, Map<String, String> preferred,
                         Map<String, InputRange> inputRanges) {
        this(threads, tactics, preferred, inputRanges, PreparedKernels.NONE);
    }

    public EngineOptions(int threads, Map<String, String> tactics) { this(threads, tactics, Map.of(), Map.of()); }

    /** These options with kernels prepared already (the tuner's winners) for the plan to take over. */
    public EngineOptions withPrepared(PreparedKernels kernels) {
        return new EngineOptions(threads, tactics, preferred, inputRanges, kernels, packed, host);
    }

    /** These options with the kernels' packed data a plan file stored ({@link io.jengine.spi.NodeContext#stored}). */
    public EngineOptions withPacked(io.jengine.spi.PackedStore store) {
        return new EngineOptions(threads, tactics, preferred, inputRanges, prepared, store, host);
    }

    /** These options with the host's speed, for weighing a device's copies against running on the host. */
    public EngineOptions withHost(HostSpeed speed) {
        return new EngineOptions(threads, tactics, preferred, inputRanges, prepared, packed, speed);
    }

    public static EngineOptions defaults() { return new EngineOptions(0, Map.of()); }

    /**
     * These options with tactics preferred per layer name (a tuned plan's choices): a layer takes its preferred
     * tactic where its backends offer it and falls back to the default rule where they do not (another machine
     * without oneDNN, a shape the tactic cannot run), whereas a forced tactic that is not offered is an error.
     */
    public EngineOptions withPreferred(Map<String, String> byLayer) {
        return new EngineOptions(threads, tactics, byLayer, inputRanges, prepared, packed, host);
    }

    /** These options with the shapes each named input may take (a plan's optimization profile). */
    public EngineOptions withInputRanges(Map<String, InputRange> ranges) {
        return new EngineOptions(threads, tactics, preferred, ranges, prepared, packed, host);
    }

    /** The dimensions an input may take, inclusive, one pair per axis. */
    public record InputRange(long[] min, long[] max) {
        public InputRange {
            if (min.length != max.length) throw new EngineException("a shape range needs min and max of one rank");
            for (int i = 0; i < min.length; i++) {
                if (min[i] < 0 || min[i] > max[i]) {
                    throw new EngineException("shape range " + java.util.Arrays.toString(min) + ".."
                            + java.util.Arrays.toString(max) + " is empty on axis " + i);
                }
            }
            min = min.clone();
            max = max.clone();
        }

        public boolean contains(long[] shape) {
            if (shape.length != min.length) return false;
            for (int i = 0; i < shape.length; i++) if (shape[i] < min[i] || shape[i] > max[i]) return false;
            return true;
        }

        @Override
        public String toString() {
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < min.length; i++) {
                if (i > 0) sb.append('x');
                sb.append(min[i] == max[i] ? String.valueOf(min[i]) : "[" + min[i] + ".." + max[i] + "]");
            }
            return sb.toString();
        }
    }

    /** The thread count runs use: {@link #threads()}, or the machine's cores when that is 0. */
    public int effectiveThreads() { return threads == 0 ? IntraOpPool.shared().cores() : threads; }

    public EngineOptions withThreads(int n) {
        return new EngineOptions(n, tactics, preferred, inputRanges, prepared, packed, host);
    }

    /** These options plus one forced tactic. */
    public EngineOptions withTactic(String layerOrOp, String tactic) {
        Map<String, String> m = new LinkedHashMap<>(tactics);
        m.put(layerOrOp, tactic);
        return new EngineOptions(threads, m, preferred, inputRanges, prepared, packed, host);
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
