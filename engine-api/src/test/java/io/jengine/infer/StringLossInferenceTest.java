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

class StringLossInferenceTest {
    @Test
    void stringSplitAddsATokenAxis() {
        assertEquals(List.of("tensor(string)[N,?]", "tensor(int64)[N]"), infer(20,
                Node.builder("StringSplit").inputs("x").outputs("y", "z").build(), Map.of("x", t(DType.STRING, "N"))));
        assertEquals(List.of("tensor(bool)[N,2]"), infer(20, Node.builder("RegexFullMatch").inputs("x").outputs("y").build(),
                Map.of("x", t(DType.STRING, "N", 2))));
    }

    @Test
    void lossReducedOrPerElement() {
        Node nll = Node.builder("SoftmaxCrossEntropyLoss").inputs("s", "l").outputs("loss", "lp")
                .attr(Attribute.of("reduction", "none")).build();
        assertEquals(List.of("tensor(float32)[N,D]", "tensor(float32)[N,3,D]"), infer(13, nll,
                Map.of("s", t(DType.FLOAT32, "N", 3, "D"), "l", t(DType.INT64, "N", "D"))));
        assertEquals(List.of("tensor(float32)[]"), infer(13, Node.builder("NegativeLogLikelihoodLoss").inputs("s", "l").outputs("loss").build(),
                Map.of("s", t(DType.FLOAT32, "N", 3), "l", t(DType.INT64, "N"))));
    }
}
