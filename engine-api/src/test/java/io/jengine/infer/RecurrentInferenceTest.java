package io.jengine.infer;

import static io.jengine.infer.InferenceTestGraphs.infer;
import static io.jengine.infer.InferenceTestGraphs.t;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.jengine.ir.Attribute;
import io.jengine.ir.Node;
import io.jengine.tensor.DType;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RecurrentInferenceTest {
    @Test
    void bidirectionalLstmSeqFirst() {
        Node n = Node.builder("LSTM").inputs("x", "w", "r").outputs("y", "h", "c")
                .attr(Attribute.of("hidden_size", 5L)).attr(Attribute.of("direction", "bidirectional")).build();
        assertEquals(List.of("tensor(float32)[T,2,B,5]", "tensor(float32)[2,B,5]", "tensor(float32)[2,B,5]"), infer(14, n,
                Map.of("x", t(DType.FLOAT32, "T", "B", 3), "w", t(DType.FLOAT32, 2, 20, 3), "r", t(DType.FLOAT32, 2, 20, 5))));
    }

    @Test
    void gruBatchFirstLayout() {
        Node n = Node.builder("GRU").inputs("x", "w", "r").outputs("y", "h")
                .attr(Attribute.of("hidden_size", 4L)).attr(Attribute.of("layout", 1L)).build();
        assertEquals(List.of("tensor(float32)[B,T,1,4]", "tensor(float32)[B,1,4]"), infer(22, n,
                Map.of("x", t(DType.FLOAT32, "B", "T", 3), "w", t(DType.FLOAT32, 1, 12, 3), "r", t(DType.FLOAT32, 1, 12, 4))));
    }
}
