package io.jengine.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jengine.errors.EngineException;
import io.jengine.ir.Graph;
import io.jengine.ir.Node;
import io.jengine.spi.Backend;
import io.jengine.spi.GemmProblem;
import io.jengine.spi.GemmTiling;
import io.jengine.spi.Tunable;
import io.jengine.spi.Kernel;
import io.jengine.spi.NodeContext;
import io.jengine.spi.Tactic;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The default rule: the highest-priority backend's first recommended tactic; forcing reaches every tactic. */
class TacticChooserTest {
    private static final Kernel NOOP = ctx -> {};
    private static final Node RELU = Node.builder("Relu").name("r").inputs("x").outputs("y").build();
    private static final NodeContext CTX = new NodeContext(RELU, 17, Graph.builder("g").opset("", 17).build(), 1);

    private static Backend backend(String name, int priority, Tactic... tactics) {
        return new Backend() {
            @Override
            public String name() { return name; }

            @Override
            public int priority() { return priority; }

            @Override
            public List<Tactic> tactics(NodeContext ctx) { return List.of(tactics); }
        };
    }

    private static Tactic choose(EngineOptions options, Backend... backends) {
        return TacticChooser.choose(CTX, Backends.of(backends), options, true);
    }

    @Test
    void theHighestPriorityBackendsFirstRecommendedTacticWins() {
        Backend high = backend("high", 20, Tactic.onRequest("high", "slow-here", () -> NOOP),
                new Tactic("high", "fast", () -> NOOP));
        Backend low = backend("low", 10, new Tactic("low", "plain", () -> NOOP));
        assertEquals("high:fast", choose(EngineOptions.defaults(), high, low).key());
    }

    @Test
    void aBackendOfferingOnlyOnRequestLeavesTheNodeToTheNext() {
        Backend high = backend("high", 20, Tactic.onRequest("high", "slow-here", () -> NOOP));
        Backend low = backend("low", 10, new Tactic("low", "plain", () -> NOOP));
        assertEquals("low:plain", choose(EngineOptions.defaults(), high, low).key());
        assertEquals("high:slow-here", choose(EngineOptions.defaults(), high).key(),
                "with nothing recommended, the first offered still runs the node");
    }

    @Test
    void forcingReachesATacticOfferedOnRequest() {
        Backend high = backend("high", 20, Tactic.onRequest("high", "slow-here", () -> NOOP));
        Backend low = backend("low", 10, new Tactic("low", "plain", () -> NOOP));
        assertEquals("high:slow-here", choose(EngineOptions.defaults().withTactic("Relu", "slow-here"), high, low).key());
        assertEquals("high:slow-here", choose(EngineOptions.defaults().withTactic("r", "high:slow-here"), high, low).key());
        EngineException e = assertThrows(EngineException.class,
                () -> choose(EngineOptions.defaults().withTactic("r", "missing"), high, low));
        assertTrue(e.getMessage().contains("[high:slow-here, low:plain]"), e.getMessage());
    }

    /** A tunable tactic whose tiling is only a name: enough to see the chooser ask for the right one. */
    private static Tactic tunable(GemmTiling tiling) {
        Tunable t = new Tunable() {
            @Override
            public GemmProblem problem() { return new GemmProblem(8, 8, 8, 1, false, true, 1); }

            @Override
            public GemmTiling tiling() { return tiling; }

            @Override
            public List<RegisterTile> registerTiles() { return List.of(new RegisterTile(4, 16)); }

            @Override
            public Tactic with(GemmTiling other) {
                if (other.mr() != 4) throw new IllegalArgumentException("the micro-kernel is 4 rows");
                return tunable(other);
            }
        };
        return new Tactic("high", "gemm", () -> NOOP).withTunable(t);
    }

    @Test
    void aForcedTilingIsMadeByTheTunableTactic() {
        Backend high = backend("high", 20, tunable(GemmTiling.parse("4x16.kc256.mc96.nc1024")));
        assertEquals("high:gemm@4x16.kc256.mc96.nc1024", choose(EngineOptions.defaults(), high).key());
        assertEquals("high:gemm@4x16.kc64.mc8.nc32",
                choose(EngineOptions.defaults().withTactic("r", "gemm@4x16.kc64.mc8.nc32"), high).key());
        assertEquals("high:gemm@4x16.kc64.mc8.nc32",
                choose(EngineOptions.defaults().withTactic("r", "high:gemm@4x16.kc64.mc8.nc32"), high).key());
        assertEquals("high:gemm@4x16.kc256.mc96.nc1024",
                choose(EngineOptions.defaults().withTactic("r", "gemm"), high).key(), "the kind alone keeps its tiling");
        EngineException bad = assertThrows(EngineException.class,
                () -> choose(EngineOptions.defaults().withTactic("r", "gemm@4x16.kc64"), high));
        assertTrue(bad.getMessage().contains("bad GEMM tiling '4x16.kc64'") && bad.getMessage().contains("r"),
                bad.getMessage());
        EngineException unrunnable = assertThrows(EngineException.class,
                () -> choose(EngineOptions.defaults().withTactic("r", "gemm@6x16.kc64.mc12.nc32"), high));
        assertTrue(unrunnable.getMessage().contains("4 rows"), unrunnable.getMessage());
        Backend fixed = backend("low", 10, new Tactic("low", "plain", () -> NOOP));
        EngineException none = assertThrows(EngineException.class,
                () -> choose(EngineOptions.defaults().withTactic("r", "plain@4x16.kc64.mc8.nc32"), fixed));
        assertTrue(none.getMessage().contains("takes no tiling"), none.getMessage());
    }

    @Test
    void aPreferredTacticGoesFirstWhereOfferedAndIsIgnoredWhereNot() {
        Backend high = backend("high", 20, new Tactic("high", "fast", () -> NOOP));
        Backend low = backend("low", 10, new Tactic("low", "plain", () -> NOOP));
        EngineOptions prefersLow = EngineOptions.defaults().withPreferred(java.util.Map.of("r", "low:plain"));
        assertEquals("low:plain", choose(prefersLow, high, low).key());
        assertEquals(List.of("low:plain", "high:fast"),
                TacticChooser.ranked(CTX, Backends.of(high, low), prefersLow, true).stream().map(Tactic::key).toList());
        EngineOptions gone = EngineOptions.defaults().withPreferred(java.util.Map.of("r", "other:missing"));
        assertEquals("high:fast", choose(gone, high, low).key(), "a choice not offered here falls back, no error");
        EngineOptions badTiling = EngineOptions.defaults().withPreferred(java.util.Map.of("r", "plain@4x16.kc64.mc8.nc32"));
        assertEquals("high:fast", choose(badTiling, high, low).key());
        EngineOptions both = prefersLow.withTactic("r", "high:fast");
        assertEquals("high:fast", choose(both, high, low).key(), "a forced tactic wins over a preferred one");
    }
}
