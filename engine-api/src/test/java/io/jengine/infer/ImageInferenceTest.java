package io.jengine.infer;

import static io.jengine.infer.InferenceTestGraphs.infer;
import static io.jengine.infer.InferenceTestGraphs.t;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.jengine.ir.Attribute;
import io.jengine.ir.Node;
import io.jengine.tensor.DType;
import io.jengine.tensor.Tensor;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ImageInferenceTest {
    @Test
    void resizeWithConstantSizesAndUnknownScales() {
        Node n = Node.builder("Resize").inputs("x", "", "", "sizes").outputs("y").build();
        assertEquals(List.of("tensor(float32)[1,3,8,8]"), infer("", 19, n,
                Map.of("x", t(DType.FLOAT32, "N", 3, 4, 4)), Map.of("sizes", Tensor.ofLongs(new long[] {4}, 1, 3, 8, 8))));
        Node s = Node.builder("Resize").inputs("x", "", "scales").outputs("y").build();
        assertEquals(List.of("tensor(float32)[?,?,?,?]"), infer(13, s,
                Map.of("x", t(DType.FLOAT32, "N", 3, 4, 4), "scales", t(DType.FLOAT32, 4))));
    }

    @Test
    void gridSampleRoiAlignAndNms() {
        assertEquals(List.of("tensor(float32)[N,3,5,7]"), infer(20, Node.builder("GridSample").inputs("x", "g").outputs("y").build(),
                Map.of("x", t(DType.FLOAT32, "N", 3, 10, 10), "g", t(DType.FLOAT32, "N", 5, 7, 2))));
        Node roi = Node.builder("RoiAlign").inputs("x", "r", "i").outputs("y")
                .attr(Attribute.of("output_height", 2L)).attr(Attribute.of("output_width", 3L)).build();
        assertEquals(List.of("tensor(float32)[R,16,2,3]"), infer(16, roi, Map.of("x", t(DType.FLOAT32, 1, 16, 9, 9),
                "r", t(DType.FLOAT32, "R", 4), "i", t(DType.INT64, "R"))));
        assertEquals(List.of("tensor(int64)[?,3]"), infer(11, Node.builder("NonMaxSuppression").inputs("b", "s").outputs("y").build(),
                Map.of("b", t(DType.FLOAT32, 1, 6, 4), "s", t(DType.FLOAT32, 1, 1, 6))));
    }

    @Test
    void convTransposeAndIntegerProducts() {
        Node ct = Node.builder("ConvTranspose").inputs("x", "w").outputs("y").attr(Attribute.of("group", 2L)).build();
        assertEquals(List.of("tensor(float32)[N,6,7,7]"), infer(11, ct,
                Map.of("x", t(DType.FLOAT32, "N", 4, 5, 5), "w", t(DType.FLOAT32, 4, 3, 3, 3))));
        assertEquals(List.of("tensor(int32)[B,2,5]"), infer(10, Node.builder("MatMulInteger").inputs("a", "b").outputs("y").build(),
                Map.of("a", t(DType.UINT8, "B", 2, 4), "b", t(DType.UINT8, 4, 5))));
    }
}
