package io.jengine.onnx;

import static io.jengine.onnx.OnnxExportModels.body;
import static io.jengine.onnx.OnnxExportModels.graph;
import static io.jengine.onnx.OnnxExportModels.model;
import static io.jengine.onnx.OnnxExportModels.value;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jengine.ir.Attribute;
import io.jengine.ir.Graph;
import io.jengine.ir.Model;
import io.jengine.ir.Node;
import io.jengine.ir.ValueInfo;
import io.jengine.tensor.DType;
import io.jengine.tensor.Dim;
import io.jengine.tensor.Shape;
import io.jengine.tensor.Tensor;
import io.jengine.tensor.ValueType;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What the IR can hold but ONNX cannot carry, or the importer would read back differently: refused, by name. */
class OnnxExportRejectionTest {
    private static Graph.Builder withNode(Node n) {
        return graph("main").addInput(value("x", DType.FLOAT32, 2)).addOutput(value("y", DType.FLOAT32, 2)).addNode(n);
    }

    private static void assertRefused(Model m, String... mentions) {
        String msg = assertThrows(IllegalArgumentException.class, () -> OnnxExporter.toProto(m)).getMessage();
        for (String s : mentions) assertTrue(msg.contains(s), "'" + s + "' missing from: " + msg);
    }

    @Test
    void subGraphWithOtherOpsetsThanTheModel() {
        Graph sub = body("loop_body", "x").toBuilder().opsets(Map.of("", 11)).build();
        Node loop = Node.builder("Loop").name("loop").inputs("", "", "x").outputs("y")
                .attr(Attribute.of("body", sub)).build();
        assertRefused(model(withNode(loop).build()), "'loop' (Loop)", "attribute 'body'", "graph 'loop_body'", "opsets");
    }

    @Test
    void attributeValueOfAnotherClassThanItsKind() {
        Node n = Node.builder("Custom").name("c").inputs("x").outputs("y")
                .attr(new Attribute("scales", Attribute.Kind.FLOATS, List.of(1f, 2f))).build();
        assertRefused(model(withNode(n).build()), "'c' (Custom)", "attribute 'scales'", "FLOATS", "float[]");
    }

    @Test
    void closedInitializer() {
        Tensor w = Tensor.ofFloats(new long[] {2}, 1f, 2f);
        w.close();
        Node n = Node.builder("Add").name("add").inputs("x", "w").outputs("y").build();
        assertRefused(model(withNode(n).initializer("w", w).build()), "initializer 'w'", "closed");
    }

    @Test
    void dimThatIsNeitherSizeSymbolNorUnknown() {
        Graph g = withNode(Node.builder("Relu").inputs("x").outputs("y").build())
                .valueInfo(new ValueInfo("z", ValueType.tensor(DType.FLOAT32, new Shape(List.of(new Dim(4, "n"))))))
                .build();
        assertRefused(model(g), "value_info 'z'", "dim 0");
    }

    @Test
    void sparseAttributeWhoseBitsTheReaderWouldChange() {
        Tensor t = Tensor.allocate(DType.FLOAT32, 4);
        t.data().setAtIndex(java.lang.foreign.ValueLayout.JAVA_INT, 2, 0x7f800001); // a signalling NaN
        Node n = Node.builder("Constant").name("k").outputs("y")
                .attr(new Attribute("sparse_value", Attribute.Kind.SPARSE_TENSOR, t)).build();
        assertRefused(model(withNode(n).build()), "'k' (Constant)", "attribute 'sparse_value'", "element 2");
    }

    @Test
    void modelsTheImporterWouldNotReadBackAsThemselves() {
        Graph g = withNode(Node.builder("Relu").inputs("x").outputs("y").build()).build();
        assertRefused(new Model(0, "p", "v", g, Map.of()), "ir_version 0");
        assertRefused(new Model(2, "p", "v", g.toBuilder().opsets(Map.of()).build(), Map.of()), "opset 1");
        assertRefused(model(graph("void").build()), "neither nodes nor outputs");
        Graph keyed = new Graph("g", g.nodes(), g.inputs(), g.outputs(), Map.of(),
                Map.of("a", new ValueInfo("b", null)), g.opsets());
        assertRefused(model(keyed), "value_info 'a'", "'b'");
    }
}
