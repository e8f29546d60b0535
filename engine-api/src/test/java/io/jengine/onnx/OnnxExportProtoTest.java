package io.jengine.onnx;

import static io.jengine.onnx.OnnxExportModels.graph;
import static io.jengine.onnx.OnnxExportModels.model;
import static io.jengine.onnx.OnnxExportModels.value;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.jengine.ir.Attribute;
import io.jengine.ir.Graph;
import io.jengine.ir.Model;
import io.jengine.ir.Node;
import io.jengine.onnx.proto.OnnxProto.AttributeProto;
import io.jengine.onnx.proto.OnnxProto.ModelProto;
import io.jengine.onnx.proto.OnnxProto.NodeProto;
import io.jengine.onnx.proto.OnnxProto.OperatorSetIdProto;
import io.jengine.onnx.proto.OnnxProto.StringStringEntryProto;
import io.jengine.onnx.proto.OnnxProto.TensorProto;
import io.jengine.onnx.proto.OnnxProto.TypeProto;
import io.jengine.tensor.DType;
import io.jengine.tensor.Tensor;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The ONNX messages themselves: what other ONNX readers see, beyond what the engine's importer accepts. */
class OnnxExportProtoTest {
    private static ModelProto export(Graph g) { return OnnxExporter.toProto(model(g)); }

    @Test
    void numericTensorsAreLittleEndianRawDataAndStringsAreStringData() {
        Graph g = graph("tensors").addOutput(value("i", DType.INT32, 2))
                .initializer("i", Tensor.ofInts(new long[] {2}, 1, -2))
                .initializer("h", Tensor.fromDoubles(DType.FLOAT16, new long[] {1}, new double[] {1.0}))
                .initializer("s", Tensor.ofStrings(new long[] {2}, "é", ""))
                .initializer("scalar", Tensor.scalar(DType.INT64, 5))
                .build();
        Map<String, TensorProto> t = new HashMap<>();
        for (TensorProto p : export(g).getGraph().getInitializerList()) t.put(p.getName(), p);

        TensorProto i = t.get("i");
        assertEquals(6, i.getDataType());
        assertEquals(List.of(2L), i.getDimsList());
        assertArrayEquals(new byte[] {1, 0, 0, 0, (byte) 0xFE, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF},
                i.getRawData().toByteArray());
        assertEquals(0, i.getInt32DataCount(), "no typed copy beside raw_data");
        assertArrayEquals(new byte[] {0x00, 0x3C}, t.get("h").getRawData().toByteArray(), "float16 1.0 is 0x3C00");

        TensorProto s = t.get("s");
        assertEquals(8, s.getDataType());
        assertFalse(s.hasRawData());
        assertEquals(List.of(ByteString.copyFromUtf8("é"), ByteString.EMPTY), s.getStringDataList());

        assertEquals(0, t.get("scalar").getDimsCount(), "a scalar has no dims");
        assertEquals(8, t.get("scalar").getRawData().size());
    }

    @Test
    void nodesKeepEmptyNamesAndAttributesAlwaysCarryTheirType() {
        ModelProto p = OnnxExporter.toProto(OnnxExportModels.everyAttributeModel());
        NodeProto n = p.getGraph().getNode(0);
        assertEquals(List.of("x", "", "w", ""), n.getInputList());
        assertEquals(List.of("y", ""), n.getOutputList());
        assertEquals("test.attrs", n.getDomain());
        for (AttributeProto a : n.getAttributeList()) {
            assertTrue(a.hasType() && a.getType() != AttributeProto.AttributeType.UNDEFINED, a.getName());
        }
        AttributeProto sp = n.getAttributeList().stream().filter(a -> a.getName().equals("sp")).findFirst().orElseThrow();
        // Only the four non-zero elements, -0.0 among them, at their flat positions.
        assertEquals(List.of(3L, 4L), sp.getSparseTensor().getDimsList());
        assertEquals(List.of(4L), sp.getSparseTensor().getValues().getDimsList());
        assertEquals(List.of(4L), sp.getSparseTensor().getIndices().getDimsList());
    }

    @Test
    void defaultDomainIsLeftUnsetAndScalarTypesHaveAnEmptyShape() {
        Graph g = graph("g").addInput(value("x", DType.FLOAT32)).addOutput(value("y", DType.FLOAT32))
                .addNode(Node.builder("Relu").domain("ai.onnx").inputs("x").outputs("y").build()).build();
        ModelProto p = export(g);
        assertFalse(p.getGraph().getNode(0).hasDomain());
        TypeProto.Tensor x = p.getGraph().getInput(0).getType().getTensorType();
        assertTrue(x.hasShape(), "rank 0 is known, so the shape is there, empty");
        assertEquals(0, x.getShape().getDimCount());
        assertEquals(List.of(OperatorSetIdProto.newBuilder().setDomain("").setVersion(17).build(),
                OperatorSetIdProto.newBuilder().setDomain("jengine").setVersion(1).build(),
                OperatorSetIdProto.newBuilder().setDomain("com.microsoft").setVersion(1).build()),
                p.getOpsetImportList());
        assertEquals(9, p.getIrVersion());
        assertEquals("jengine-test", p.getProducerName());
    }

    @Test
    void metadataIsSortedSoTheSameModelGivesTheSameBytes() {
        Map<String, String> meta = new HashMap<>();
        for (int i = 0; i < 20; i++) meta.put("k" + (char) ('t' - i), "v" + i);
        Graph g = graph("g").addOutput(value("y", DType.FLOAT32))
                .addNode(Node.builder("Constant").outputs("y").attr(Attribute.of("value_float", 1f)).build()).build();
        Model m = new Model(9, "p", "v", g, meta);
        ModelProto p = OnnxExporter.toProto(m);
        List<String> keys = p.getMetadataPropsList().stream().map(StringStringEntryProto::getKey).toList();
        assertEquals(keys.stream().sorted().toList(), keys);
        assertEquals(meta.size(), keys.size());
        assertArrayEquals(OnnxExporter.toBytes(m), OnnxExporter.toBytes(new Model(9, "p", "v", g, Map.copyOf(meta))));
    }
}
