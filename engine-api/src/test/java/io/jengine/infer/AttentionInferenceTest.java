package io.jengine.infer;

import static io.jengine.infer.InferenceTestGraphs.infer;
import static io.jengine.infer.InferenceTestGraphs.t;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.jengine.ir.Node;
import io.jengine.tensor.DType;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AttentionInferenceTest {
    @Test
    void attentionKeepsQueryLeadingDims() {
        Node n = Node.builder("Attention").inputs("q", "k", "v").outputs("y").build();
        assertEquals(List.of("tensor(float32)[B,4,S,?]"), infer(23, n, Map.of("q", t(DType.FLOAT32, "B", 4, "S", 8),
                "k", t(DType.FLOAT32, "B", 4, "L", 8), "v", t(DType.FLOAT32, "B", 4, "L", 6))));
    }

    @Test
    void rotaryAndSwiGlu() {
        assertEquals(List.of("tensor(float16)[B,S,64]"), infer(23, Node.builder("RotaryEmbedding").inputs("x", "c", "s").outputs("y").build(),
                Map.of("x", t(DType.FLOAT16, "B", "S", 64), "c", t(DType.FLOAT16, "S", 32), "s", t(DType.FLOAT16, "S", 32))));
        assertEquals(List.of("tensor(float32)[B,7]"), infer(28, Node.builder("SwiGLU").inputs("a", "b").outputs("y").build(),
                Map.of("a", t(DType.FLOAT32, "B", 7), "b", t(DType.FLOAT32, 1, 7))));
    }
}
