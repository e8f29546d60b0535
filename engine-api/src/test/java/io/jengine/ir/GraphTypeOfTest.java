package io.jengine.ir;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.jengine.tensor.DType;
import io.jengine.tensor.Dim;
import io.jengine.tensor.Shape;
import io.jengine.tensor.Tensor;
import io.jengine.tensor.ValueType;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Which static type a value gets when several places describe it. */
class GraphTypeOfTest {
    private static final ValueType UNKNOWN_DIMS = new ValueType.TensorType(DType.FLOAT32,
            new Shape(List.of(Dim.symbol("a"), Dim.symbol("b"))));

    @Test
    void aConstantsOwnShapeBeatsAStaleValueInfo() {
        // as after constant folding: the value_info inference wrote before the shape was known stays behind
        Graph g = Graph.builder("g").opset("", 17)
                .addNode(Node.builder("Relu").name("r").inputs("c").outputs("y").build())
                .valueInfo(new ValueInfo("c", UNKNOWN_DIMS))
                .initializer("c", Tensor.ofFloats(new long[] {2, 3}, 1, 2, 3, 4, 5, 6))
                .addOutput(new ValueInfo("y", null))
                .build();
        assertEquals(ValueType.tensor(DType.FLOAT32, 2, 3), g.typeOf("c"));
    }

    @Test
    void anInitializerThatIsAlsoAnInputKeepsTheInputsDeclaredType() {
        // the initializer is only a default there: a caller may feed another shape
        Graph g = Graph.builder("g").opset("", 17)
                .addNode(Node.builder("Relu").name("r").inputs("c").outputs("y").build())
                .addInput(new ValueInfo("c", UNKNOWN_DIMS))
                .initializer("c", Tensor.ofFloats(new long[] {2, 3}, 1, 2, 3, 4, 5, 6))
                .addOutput(new ValueInfo("y", null))
                .build();
        assertEquals(UNKNOWN_DIMS, g.typeOf("c"));
    }
}
