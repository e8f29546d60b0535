package io.jengine.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jengine.errors.EngineException;
import io.jengine.ir.Graph;
import io.jengine.ir.Model;
import io.jengine.ir.Node;
import io.jengine.ir.ValueInfo;
import io.jengine.spi.Backend;
import io.jengine.spi.NodeContext;
import io.jengine.spi.Tactic;
import io.jengine.spi.TacticDeclinedException;
import io.jengine.tensor.DType;
import io.jengine.tensor.Tensor;
import io.jengine.tensor.ValueType;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Every node is prepared once, declining tactics hand over to the next, and the first failing node is the error. */
class KernelPreparationTest {
    private static final int NODES = 12;

    /** A chain of Relu nodes r0 .. r11 from x to y. */
    private static Model chain() {
        Graph.Builder g = Graph.builder("chain").opset("", 17);
        for (int i = 0; i < NODES; i++) {
            g.addNode(Node.builder("Relu").name("r" + i).inputs(i == 0 ? "x" : "v" + (i - 1))
                    .outputs(i == NODES - 1 ? "y" : "v" + i).build());
        }
        g.addInput(new ValueInfo("x", ValueType.tensor(DType.FLOAT32, 4))).addOutput(new ValueInfo("y", null));
        return new Model(8, "t", "", g.build(), Map.of());
    }

    /** Offers a Relu tactic whose preparation is counted, and fails for the nodes named in {@code failing}. */
    private static Backend counting(Map<String, AtomicInteger> prepared, Set<String> failing, Set<String> declining) {
        return new Backend() {
            @Override
            public String name() { return "counted"; }

            @Override
            public int priority() { return 50; }

            @Override
            public List<Tactic> tactics(NodeContext ctx) {
                if (!ctx.node().opType().equals("Relu")) return List.of();
                String node = ctx.node().name();
                return List.of(new Tactic(name(), "relu", () -> {
                    prepared.computeIfAbsent(node, k -> new AtomicInteger()).incrementAndGet();
                    if (failing.contains(node)) throw new IllegalStateException("cannot prepare " + node);
                    if (declining.contains(node)) throw new TacticDeclinedException("not for " + node);
                    return new BufferBackend().tactics(ctx).getFirst().prepare().get();
                }));
            }
        };
    }

    @Test
    void everyNodeIsPreparedOnceAndRunsAsPrepared() {
        Map<String, AtomicInteger> prepared = new ConcurrentHashMap<>();
        Backends backends = Backends.of(counting(prepared, Set.of(), Set.of("r4", "r9")), new BufferBackend());
        try (Engine e = Engine.of(chain(), backends, EngineOptions.defaults().withThreads(2));
             Session s = e.newSession()) {
            assertEquals(NODES, prepared.size());
            prepared.forEach((node, n) -> assertEquals(1, n.get(), node));
            List<String> placement = e.placement();
            for (int i = 0; i < NODES; i++) {
                String expected = (i == 4 || i == 9) ? "buffers:relu" : "counted:relu";
                assertTrue(placement.get(i).startsWith("'r" + i + "' ") && placement.get(i).contains(expected),
                        placement.toString());
            }
            Tensor y = (Tensor) s.run(Map.of("x", Tensor.ofFloats(new long[] {4}, -1, 2, -3, 4))).get("y");
            assertArrayEquals(new float[] {0, 2, 0, 4}, y.toFloatArray());
        }
    }

    @Test
    void theErrorIsTheFirstFailingNodesInExecutionOrder() {
        for (int repeat = 0; repeat < 20; repeat++) {
            Backends backends = Backends.of(counting(new ConcurrentHashMap<>(), Set.of("r7", "r3", "r10"), Set.of()),
                    new BufferBackend());
            EngineException err = assertThrows(EngineException.class,
                    () -> Engine.of(chain(), backends, EngineOptions.defaults().withThreads(2)).close());
            assertTrue(err.getMessage().contains("cannot prepare r3"), err.getMessage());
        }
    }
}
