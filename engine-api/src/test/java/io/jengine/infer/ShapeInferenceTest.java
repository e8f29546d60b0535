package io.jengine.infer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jengine.errors.GraphValidationException;
import io.jengine.ir.Attribute;
import io.jengine.tensor.Dim;
import io.jengine.ir.Graph;
import io.jengine.ir.Node;
import io.jengine.tensor.Shape;
import io.jengine.ir.ValueInfo;
import io.jengine.tensor.ValueType;
import io.jengine.tensor.DType;
import io.jengine.tensor.Tensor;
import java.util.List;
import org.junit.jupiter.api.Test;

class ShapeInferenceTest {
    static ValueType f32(Dim... dims) { return new ValueType.TensorType(DType.FLOAT32, new Shape(List.of(dims))); }

    @Test
    void convPoolFlattenGemmKeepSymbolicBatch() {
        Graph g = Graph.builder("g").opset("", 17)
                .addInput(new ValueInfo("x", f32(Dim.symbol("N"), Dim.of(3), Dim.of(32), Dim.of(32))))
                .initializer("w", Tensor.allocate(DType.FLOAT32, 8, 3, 3, 3))
                .initializer("fc", Tensor.allocate(DType.FLOAT32, 10, 8 * 8 * 8))
                .addNode(Node.builder("Conv").inputs("x", "w").outputs("c")
                        .attr(Attribute.of("pads", new long[] {1, 1, 1, 1})).attr(Attribute.of("strides", new long[] {2, 2})).build())
                .addNode(Node.builder("MaxPool").inputs("c").outputs("p")
                        .attr(Attribute.of("kernel_shape", new long[] {2, 2})).attr(Attribute.of("strides", new long[] {2, 2})).build())
                .addNode(Node.builder("Flatten").inputs("p").outputs("f").build())
                .addNode(Node.builder("Gemm").inputs("f", "fc").outputs("y").attr(Attribute.of("transB", 1L)).build())
                .addOutput(new ValueInfo("y", null)).build();
        Graph typed = ShapeInference.infer(g);
        assertEquals("tensor(float32)[N,8,16,16]", typed.typeOf("c").toString());
        assertEquals("tensor(float32)[N,8,8,8]", typed.typeOf("p").toString());
        assertEquals("tensor(float32)[N,512]", typed.typeOf("f").toString());
        assertEquals("tensor(float32)[N,10]", typed.typeOf("y").toString());
    }

    @Test
    void shapeArithmeticThroughConstants() {
        Graph g = Graph.builder("g").opset("", 17)
                .addInput(new ValueInfo("x", f32(Dim.of(2), Dim.of(3), Dim.of(4))))
                .initializer("shape", Tensor.ofLongs(new long[] {2}, 0, -1))
                .addNode(Node.builder("Reshape").inputs("x", "shape").outputs("r").build())
                .addNode(Node.builder("Shape").inputs("r").outputs("s").build())
                .addNode(Node.builder("MatMul").inputs("r", "r").outputs("bad").build())
                .addOutput(new ValueInfo("s", null)).build();
        var ex = assertThrows(GraphValidationException.class, () -> ShapeInference.infer(g));
        assertTrue(ex.getMessage().contains("MatMul") && ex.getMessage().contains("opset 17")
                && ex.getMessage().contains("[2,12]"), ex.getMessage());
    }

    @Test
    void broadcastAndComparisonTypes() {
        Graph g = Graph.builder("g").opset("", 17)
                .addInput(new ValueInfo("a", f32(Dim.symbol("B"), Dim.of(1), Dim.of(5))))
                .addInput(new ValueInfo("b", f32(Dim.of(4), Dim.of(1))))
                .addNode(Node.builder("Add").inputs("a", "b").outputs("s").build())
                .addNode(Node.builder("Less").inputs("s", "b").outputs("m").build())
                .addOutput(new ValueInfo("m", null)).build();
        Graph typed = ShapeInference.infer(g);
        assertEquals("tensor(float32)[B,4,5]", typed.typeOf("s").toString());
        assertEquals("tensor(bool)[B,4,5]", typed.typeOf("m").toString());
    }
}
