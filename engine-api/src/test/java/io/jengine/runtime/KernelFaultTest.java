package io.jengine.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jengine.errors.EngineException;
import io.jengine.ir.Graph;
import io.jengine.ir.Model;
import io.jengine.ir.Node;
import io.jengine.ir.ValueInfo;
import io.jengine.spi.OpDefinition;
import io.jengine.spi.ValueKernel;
import io.jengine.tensor.DType;
import io.jengine.tensor.Tensor;
import io.jengine.tensor.Value;
import io.jengine.tensor.ValueType;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * A kernel that fails in the middle of a run (after another has written its output): the run ends in one error
 * naming the node, and the engine, its pooled sessions and a caller's own session run correctly afterwards; closing
 * the engine after a failed run does not wait for it.
 */
class KernelFaultTest {
    static final AtomicBoolean FAIL = new AtomicBoolean();

    static OpDefinition op(String name, boolean faulty) {
        return new OpDefinition("test.fault", name, 1, ctx -> Arrays.asList(ctx.type(0)), node -> (ValueKernel) (c, in) -> {
            if (faulty && FAIL.get()) throw new IllegalStateException("injected fault");
            Tensor x = (Tensor) in[0];
            Tensor y = Tensor.allocate(x.dtype(), x.shape());
            for (long i = 0; i < x.size(); i++) y.setDouble(i, x.getDouble(i) * 2 + 1);
            return new Value[] {y};
        }, false);
    }

    static Engine engine() {
        Graph g = Graph.builder("g").opset("test.fault", 1)
                .addNode(Node.builder("Step").domain("test.fault").name("first").inputs("x").outputs("a").build())
                .addNode(Node.builder("Fault").domain("test.fault").name("second").inputs("a").outputs("b").build())
                .addNode(Node.builder("Step").domain("test.fault").name("third").inputs("b").outputs("y").build())
                .addInput(new ValueInfo("x", ValueType.tensor(DType.FLOAT32, 3)))
                .addOutput(new ValueInfo("y", ValueType.tensor(DType.FLOAT32, 3))).build();
        return Engine.of(new Model(8, "t", "", g, Map.of()), Backends.of(List.of(), List.of(op("Step", false), op("Fault", true))));
    }

    @Test
    void aFailingKernelLeavesTheEngineUsable() {
        Tensor x = Tensor.ofFloats(new long[] {3}, 0, 1, 2);
        try (Engine e = engine(); Session own = e.newSession()) {
            FAIL.set(true);
            var err = assertThrows(EngineException.class, () -> e.run(Map.of("x", x)));
            assertTrue(err.getMessage().contains("second") && err.getMessage().contains("injected fault"), err.getMessage());
            assertThrows(EngineException.class, () -> own.run(Map.of("x", x)));
            FAIL.set(false);
            for (Map<String, Value> out : List.of(e.run(Map.of("x", x)), own.run(Map.of("x", x)))) {
                Tensor y = (Tensor) out.get("y");
                // ((x * 2 + 1) * 2 + 1) * 2 + 1 = 8x + 7
                assertEquals(List.of(7f, 15f, 23f), List.of(y.getFloat(0), y.getFloat(1), y.getFloat(2)));
            }
        } finally {
            FAIL.set(false);
        }
    }
}
