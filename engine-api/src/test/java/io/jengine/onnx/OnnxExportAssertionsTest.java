package io.jengine.onnx;

import static io.jengine.onnx.OnnxExportAssertions.assertModelsEqual;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jengine.ir.Attribute;
import io.jengine.ir.Graph;
import io.jengine.ir.Model;
import io.jengine.ir.Node;
import io.jengine.tensor.DType;
import io.jengine.tensor.Tensor;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.opentest4j.AssertionFailedError;

/** The round-trip comparison itself notices the differences a lossy exporter would make, so its passes mean something. */
class OnnxExportAssertionsTest {
    private static final Model BASE = OnnxExportModels.everyAttributeModel();

    /** A copy of the base model with its one node changed. */
    private static Model withNode(UnaryOperator<Node.Builder> change) {
        Graph g = BASE.graph();
        Node n = change.apply(g.nodes().getFirst().toBuilder()).build();
        return new Model(BASE.irVersion(), BASE.producerName(), BASE.producerVersion(),
                g.toBuilder().nodes(List.of(n)).build(), BASE.metadata());
    }

    private static void assertNoticed(Model changed, String mention) {
        AssertionFailedError e = assertThrows(AssertionFailedError.class, () -> assertModelsEqual(BASE, changed));
        assertTrue(e.getMessage().contains(mention), e.getMessage());
    }

    @Test
    void sameModelIsEqual() {
        assertModelsEqual(BASE, OnnxExportModels.everyAttributeModel());
    }

    @Test
    void aNaNPayloadInAnInitializerIsADifference() {
        Tensor w = BASE.graph().initializers().get("w").copy();
        w.data().setAtIndex(ValueLayout.JAVA_INT, 1, 0x7fc01235); // was 0x7fc01234
        Graph g = BASE.graph().toBuilder().initializer("w", w).build();
        assertNoticed(new Model(BASE.irVersion(), BASE.producerName(), BASE.producerVersion(), g, BASE.metadata()),
                "initializer 'w'");
    }

    @Test
    void attributeValuesInArraysAndNestedGraphsAreCompared() {
        assertNoticed(withNode(b -> b.attr(Attribute.of("fs", new float[] {1f, 0f, Float.NEGATIVE_INFINITY,
                Float.intBitsToFloat(0x7fc00001)}))), "attribute 'fs'");
        Graph body = BASE.graph().nodes().getFirst().attrGraph("g");
        List<Node> nodes = new ArrayList<>(body.nodes());
        nodes.set(0, nodes.getFirst().toBuilder().inputs("g_body_in", "w").build());
        assertNoticed(withNode(b -> b.attr(Attribute.of("g", body.toBuilder().nodes(nodes).build()))), "graph, node 0");
        assertNoticed(withNode(b -> b.attr(new Attribute("sps", Attribute.Kind.SPARSE_TENSORS,
                List.of(Tensor.allocate(DType.INT64, 5))))), "attribute 'sps'");
    }

    @Test
    void anOmittedInputDroppedOrAnAttributeMovedIsADifference() {
        assertNoticed(withNode(b -> b.inputs("x", "w")), "inputs");
        assertNoticed(withNode(b -> b.removeAttr("f").attr(Attribute.of("f", 0.25f))), "attribute names, in order");
    }
}
