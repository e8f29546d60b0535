package io.jengine.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
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
import org.junit.jupiter.api.Test;

/** A tactic that declines at prepare time hands the node to the next candidate, unless it was forced. */
class DeclinedTacticTest {
    /** Recommends a Relu tactic that, once asked to build its kernel, finds it has none for the node. */
    private static final Backend DECLINING = new Backend() {
        @Override
        public String name() { return "picky"; }

        @Override
        public int priority() { return 50; }

        @Override
        public List<Tactic> tactics(NodeContext ctx) {
            if (!ctx.node().opType().equals("Relu")) return List.of();
            return List.of(new Tactic(name(), "relu", () -> {
                throw new TacticDeclinedException("no kernel of this kind for these shapes");
            }));
        }
    };

    private static Engine engine(EngineOptions options) {
        Graph g = Graph.builder("relu").opset("", 17)
                .addNode(Node.builder("Relu").name("r").inputs("x").outputs("y").build())
                .addInput(new ValueInfo("x", ValueType.tensor(DType.FLOAT32, 4)))
                .addOutput(new ValueInfo("y", null))
                .build();
        return Engine.of(new Model(8, "t", "", g, Map.of()), Backends.of(DECLINING, new BufferBackend()), options);
    }

    @Test
    void theNextCandidateRunsTheNode() {
        try (Engine e = engine(EngineOptions.defaults()); Session s = e.newSession()) {
            Tensor y = (Tensor) s.run(Map.of("x", Tensor.ofFloats(new long[] {4}, -1, 2, -3, 4))).get("y");
            assertArrayEquals(new float[] {0, 2, 0, 4}, y.toFloatArray());
            assertTrue(e.placement().toString().contains("buffers:relu"), e.placement().toString());
        }
    }

    @Test
    void aForcedTacticThatDeclinesIsAnErrorNamingIt() {
        EngineException err = assertThrows(EngineException.class, () -> {
            try (Engine e = engine(EngineOptions.defaults().withTactic("Relu", "picky:relu"));
                 Session s = e.newSession()) {
                s.run(Map.of("x", Tensor.ofFloats(new long[] {4}, -1, 2, -3, 4)));
            }
        });
        assertTrue(err.getMessage().contains("picky:relu") && err.getMessage().contains("no kernel of this kind"),
                err.getMessage());
    }
}
