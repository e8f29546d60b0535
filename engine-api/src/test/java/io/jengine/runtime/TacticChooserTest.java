package io.jengine.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jengine.errors.EngineException;
import io.jengine.ir.Graph;
import io.jengine.ir.Node;
import io.jengine.spi.Backend;
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
}
