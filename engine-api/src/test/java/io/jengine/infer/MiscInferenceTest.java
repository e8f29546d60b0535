package io.jengine.infer;

import static io.jengine.infer.InferenceTestGraphs.infer;
import static io.jengine.infer.InferenceTestGraphs.t;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jengine.errors.GraphValidationException;
import io.jengine.ir.Attribute;
import io.jengine.ir.Node;
import io.jengine.tensor.DType;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MiscInferenceTest {
    @Test
    void gatherNdWithBatchDims() {
        Node n = Node.builder("GatherND").inputs("d", "i").outputs("y").attr(Attribute.of("batch_dims", 1L)).build();
        assertEquals(List.of("tensor(float32)[B,K,5]"), infer(13, n,
                Map.of("d", t(DType.FLOAT32, "B", 3, 4, 5), "i", t(DType.INT64, "B", "K", 2))));
    }

    @Test
    void oneHotDetUniqueSplit() {
        Node oh = Node.builder("OneHot").inputs("i", "d", "v").outputs("y").attr(Attribute.of("axis", 1L)).build();
        assertEquals(List.of("tensor(float32)[N,?,3]"), infer(11, oh,
                Map.of("i", t(DType.INT64, "N", 3), "d", t(DType.INT64), "v", t(DType.FLOAT32, 2))));
        assertEquals(List.of("tensor(float64)[B]"), infer(11, Node.builder("Det").inputs("x").outputs("y").build(),
                Map.of("x", t(DType.FLOAT64, "B", 3, 3))));
        assertEquals(List.of("tensor(int32)[?]", "tensor(int64)[?]"), infer(11, Node.builder("Unique").inputs("x").outputs("y", "idx").build(),
                Map.of("x", t(DType.INT32, 2, 3))));
        Node split = Node.builder("Split").inputs("x").outputs("a", "b").attr(Attribute.of("axis", -1L)).build();
        assertEquals(List.of("tensor(float32)[N,3]", "tensor(float32)[N,3]"), infer(13, split, Map.of("x", t(DType.FLOAT32, "N", 6))));
    }

    @Test
    void badAxisNamesNodeAndOpset() {
        Node n = Node.builder("OneHot").inputs("i", "d", "v").outputs("y").attr(Attribute.of("axis", 5L)).build();
        var ex = assertThrows(GraphValidationException.class, () -> infer(11, n,
                Map.of("i", t(DType.INT64, 3), "d", t(DType.INT64), "v", t(DType.FLOAT32, 2))));
        assertTrue(ex.getMessage().contains("OneHot") && ex.getMessage().contains("opset 11")
                && ex.getMessage().contains("axis 5"), ex.getMessage());
    }
}
