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

class SignalInferenceTest {
    @Test
    void dftKeepsOtherDimsAndEndsInTwo() {
        assertEquals(List.of("tensor(float32)[B,?,2]"), infer(17, Node.builder("DFT").inputs("x").outputs("y").build(),
                Map.of("x", t(DType.FLOAT32, "B", 16, 1))));
        assertEquals(List.of("tensor(float32)[?,5,2]"), infer("", 20, Node.builder("DFT").inputs("x", "", "ax").outputs("y").build(),
                Map.of("x", t(DType.FLOAT32, "B", 5, 2)), Map.of("ax", Tensor.ofLongs(new long[] {}, 0))));
    }

    @Test
    void windowsAndStft() {
        Node w = Node.builder("HannWindow").inputs("n").outputs("y").attr(Attribute.of("output_datatype", 11L)).build();
        assertEquals(List.of("tensor(float64)[10]"), infer("", 17, w, Map.of(), Map.of("n", Tensor.ofLongs(new long[] {}, 10))));
        assertEquals(List.of("tensor(float32)[B,?,?,2]"), infer(17, Node.builder("STFT").inputs("s", "f").outputs("y").build(),
                Map.of("s", t(DType.FLOAT32, "B", 64, 1), "f", t(DType.INT64))));
    }
}
