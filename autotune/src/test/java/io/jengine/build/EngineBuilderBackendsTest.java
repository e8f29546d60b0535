package io.jengine.build;

import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jengine.errors.EngineException;
import io.jengine.ir.Graph;
import io.jengine.ir.Model;
import io.jengine.ir.Node;
import io.jengine.ir.ValueInfo;
import io.jengine.runtime.Backends;
import io.jengine.tensor.DType;
import io.jengine.tensor.ValueType;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The builder's backends follow what is asked of it after they were first made (a device chosen later is applied,
 * not ignored), and the class path is searched for backends once per builder, not again for each change.
 */
class EngineBuilderBackendsTest {
    static Model model() {
        Graph g = Graph.builder("g").opset("", 17)
                .addNode(Node.builder("Relu").name("relu").inputs("x").outputs("y").build())
                .addInput(new ValueInfo("x", ValueType.tensor(DType.FLOAT32, 4)))
                .addOutput(new ValueInfo("y", ValueType.tensor(DType.FLOAT32, 4))).build();
        return new Model(8, "t", "", g, Map.of());
    }

    @Test
    void aDeviceChosenAfterTheBackendsWereMadeIsApplied() {
        EngineBuilder b = EngineBuilder.forModel(model());
        b.backends();
        b.device("opencl:99");
        EngineException e = assertThrows(EngineException.class, b::backends);
        assertTrue(e.getMessage().contains("unknown device 'opencl:99'"), e.getMessage());
    }

    @Test
    void changesReassembleTheBackendsFoundOnce() {
        EngineBuilder b = EngineBuilder.forModel(model());
        Backends first = b.backends();
        b.device(Backends.HOST);
        Backends again = b.backends();
        assertTrue(!first.ordered().isEmpty());
        for (int i = 0; i < first.ordered().size(); i++) {
            assertSame(first.ordered().get(i), again.ordered().get(i), "backend " + i + " was discovered anew");
        }
    }
}
