package io.jengine.cpu.simd;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jengine.ir.Graph;
import io.jengine.ir.Model;
import io.jengine.runtime.Backends;
import io.jengine.runtime.Engine;
import io.jengine.runtime.Session;
import io.jengine.tensor.DType;
import io.jengine.tensor.Tensor;
import io.jengine.tensor.Value;
import io.jengine.verify.Comparison;
import io.jengine.verify.Tolerance;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Runs a small graph through every backend and through the reference alone, checks which tactic the planner chose for
 * each named node, and compares every output: the shared harness of the {@code *TacticsTest} classes.
 */
final class TacticRuns {
    private TacticRuns() {}

    static Model model(Graph g) { return new Model(8, "t", "", g, Map.of()); }

    /**
     * Asserts each node of {@code tactics} (node name to tactic name) runs on cpu-simd with that tactic, runs the model
     * twice in one session (the second run reuses the arena) and compares its outputs with the reference's, floats
     * within {@code tol} (null: the per-dtype policy). Returns the fast outputs.
     */
    static Map<String, Value> assertLikeReference(Graph g, Map<String, ? extends Value> feeds, Map<String, String> tactics,
                                                  Tolerance tol) {
        Model m = model(g);
        try (Engine fast = Engine.of(m); Engine ref = Engine.of(m, Backends.discover().only(List.of("cpu-reference")));
             Session s = fast.newSession()) {
            List<String> placement = fast.placement();
            tactics.forEach((node, tactic) -> assertTrue(placement.stream().anyMatch(p -> p.startsWith("'" + node + "' (")
                    && p.contains("-> " + SimdBackend.NAME + ":" + tactic)), node + " should run " + tactic + ": " + placement));
            Map<String, Value> want = ref.run(feeds);
            s.run(feeds);
            Map<String, Value> got = s.run(feeds);
            for (String name : want.keySet()) {
                Comparison c = Comparison.of(want.get(name), got.get(name), tol);
                assertTrue(c.matches(), "output " + name + ": " + c.mismatch());
            }
            return got;
        }
    }

    /** The placement of the plan, for tests that check a node is left to the reference. */
    static List<String> placement(Graph g) {
        try (Engine e = Engine.of(model(g))) {
            return e.placement();
        }
    }

    /** Asserts the node runs on the reference backend (the fast one declined it). */
    static void assertLeftToReference(Graph g, String node) {
        List<String> placement = placement(g);
        assertTrue(placement.stream().anyMatch(p -> p.startsWith("'" + node + "' (") && p.contains("-> cpu-reference:")),
                node + " should be left to the reference: " + placement);
    }

    /** Seeded float32 values in ±[0.05, 1] * scale: never zero, so no product or sum is accidentally exact. */
    static Tensor floats(SplittableRandom rnd, float scale, long... shape) {
        Tensor t = Tensor.allocate(DType.FLOAT32, shape);
        for (long i = 0; i < t.size(); i++) {
            float m = (float) (0.05 + 0.95 * rnd.nextDouble()) * scale;
            t.setFloat(i, rnd.nextBoolean() ? m : -m);
        }
        return t;
    }

    /** {@code t} with NaN, +Inf and -Inf written at three spread positions (fewer, overwritten, in a tiny tensor). */
    static Tensor withSpecials(Tensor t) {
        long n = t.size();
        t.setFloat(n / 7, Float.NaN);
        t.setFloat(n / 2, Float.POSITIVE_INFINITY);
        t.setFloat(n - 1, Float.NEGATIVE_INFINITY);
        return t;
    }
}
