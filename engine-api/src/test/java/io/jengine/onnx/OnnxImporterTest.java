package io.jengine.onnx;

import static io.jengine.onnx.Protos.dims;
import static io.jengine.onnx.Protos.floatAttr;
import static io.jengine.onnx.Protos.floatTensor;
import static io.jengine.onnx.Protos.floatValue;
import static io.jengine.onnx.Protos.graphAttr;
import static io.jengine.onnx.Protos.intAttr;
import static io.jengine.onnx.Protos.model;
import static io.jengine.onnx.Protos.names;
import static io.jengine.onnx.Protos.node;
import static io.jengine.onnx.Protos.tensorType;
import static io.jengine.onnx.Protos.value;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.jengine.errors.ModelFormatException;
import io.jengine.ir.Attribute;
import io.jengine.tensor.Dim;
import io.jengine.ir.Graph;
import io.jengine.ir.Model;
import io.jengine.ir.Node;
import io.jengine.tensor.Shape;
import io.jengine.tensor.ValueType;
import io.jengine.onnx.proto.OnnxProto.AttributeProto;
import io.jengine.onnx.proto.OnnxProto.GraphProto;
import io.jengine.onnx.proto.OnnxProto.ModelProto;
import io.jengine.onnx.proto.OnnxProto.OperatorSetIdProto;
import io.jengine.onnx.proto.OnnxProto.StringStringEntryProto;
import io.jengine.onnx.proto.OnnxProto.TensorProto;
import io.jengine.onnx.proto.OnnxProto.TypeProto;
import io.jengine.tensor.DType;
import io.jengine.tensor.UnsupportedDTypeException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Hand-built models: graph structure, attributes of every kind, types, opsets, metadata, and malformed files. */
class OnnxImporterTest {
    @TempDir
    Path tmp;

    private static GraphProto addGraph() {
        return GraphProto.newBuilder().setName("main")
                .addInput(floatValue("x", 2)).addOutput(floatValue("y", 2))
                .addInitializer(floatTensor("b", dims(2), 1f, 2f))
                .addNode(node("Add", "add", names("x", "b"), names("y"))).build();
    }

    private static ModelProto addModel() { return model(addGraph(), 17); }

    @Test
    void modelMetadataOpsetsAndGraph() {
        ModelProto p = addModel().toBuilder()
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("com.example").setVersion(3))
                .addMetadataProps(StringStringEntryProto.newBuilder().setKey("author").setValue("me")).build();
        Model m = OnnxImporter.load(p.toByteArray(), null);
        assertEquals(8, m.irVersion());
        assertEquals("test", m.producerName());
        assertEquals("1", m.producerVersion());
        assertEquals(Map.of("author", "me"), m.metadata());
        assertEquals(Map.of("", 17, "com.example", 3), m.opsets());
        Graph g = m.graph();
        assertEquals("main", g.name());
        assertArrayEquals(new float[] {1f, 2f}, g.initializers().get("b").toFloatArray());
        assertEquals(List.of("x", "b"), g.nodes().getFirst().inputs());
        assertEquals("add", g.nodes().getFirst().name());
    }

    @Test
    void aiOnnxDomainIsNormalised() {
        ModelProto p = addModel().toBuilder().clearOpsetImport()
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("ai.onnx").setVersion(13)).build();
        p = p.toBuilder().setGraph(p.getGraph().toBuilder().setNode(0,
                p.getGraph().getNode(0).toBuilder().setDomain("ai.onnx"))).build();
        Model m = OnnxImporter.load(p.toByteArray(), null);
        assertEquals(Map.of("", 13), m.opsets());
        assertEquals("", m.graph().nodes().getFirst().domain());
        assertEquals(13, m.graph().opset("ai.onnx"));
    }

    @Test
    void typesWithSymbolicUnknownAndNestedShapes() {
        TypeProto symbolic = tensorType(Protos.FLOAT, "batch", 3, "");
        TypeProto noShape = TypeProto.newBuilder().setTensorType(TypeProto.Tensor.newBuilder().setElemType(7)).build();
        TypeProto seq = TypeProto.newBuilder().setSequenceType(TypeProto.Sequence.newBuilder()
                .setElemType(tensorType(Protos.FLOAT, 2))).build();
        TypeProto opt = TypeProto.newBuilder().setOptionalType(TypeProto.Optional.newBuilder().setElemType(seq)).build();
        TypeProto map = TypeProto.newBuilder().setMapType(TypeProto.Map.newBuilder().setKeyType(7)
                .setValueType(tensorType(Protos.FLOAT))).build();
        TypeProto sparse = TypeProto.newBuilder().setSparseTensorType(TypeProto.SparseTensor.newBuilder()
                .setElemType(1).setShape(tensorType(1, 4, 4).getTensorType().getShape())).build();
        GraphProto g = addGraph().toBuilder()
                .addInput(value("s", symbolic)).addInput(value("n", noShape)).addInput(value("q", seq))
                .addInput(value("o", opt)).addInput(value("m", map)).addInput(value("sp", sparse))
                .addValueInfo(value("mid", tensorType(Protos.BOOL, 1))).build();
        Graph ir = OnnxImporter.load(model(g, 17).toByteArray(), null).graph();

        ValueType.TensorType s = assertInstanceOf(ValueType.TensorType.class, ir.typeOf("s"));
        assertEquals(new Shape(List.of(Dim.symbol("batch"), Dim.of(3), Dim.unknown())), s.shape());
        assertFalse(s.shape().isFullyKnown());
        assertEquals(new ValueType.TensorType(DType.INT64, null), ir.typeOf("n"));
        assertEquals(new ValueType.SequenceType(ValueType.tensor(DType.FLOAT32, 2)), ir.typeOf("q"));
        assertEquals(new ValueType.OptionalType(new ValueType.SequenceType(ValueType.tensor(DType.FLOAT32, 2))),
                ir.typeOf("o"));
        assertEquals(new ValueType.MapType(DType.INT64, ValueType.tensor(DType.FLOAT32)), ir.typeOf("m"));
        assertEquals(new ValueType.SparseTensorType(DType.FLOAT32, Shape.of(4, 4)), ir.typeOf("sp"));
        assertEquals(ValueType.tensor(DType.BOOL, 1), ir.typeOf("mid"));
    }

    @Test
    void attributesOfEveryKind() {
        GraphProto body = GraphProto.newBuilder().setName("body").addOutput(floatValue("z", 2))
                .addNode(node("Identity", "id", names("x"), names("z"))).build();
        AttributeProto.Builder any = AttributeProto.newBuilder();
        List<AttributeProto> attrs = List.of(
                floatAttr("f", 0.5f), intAttr("i", -3),
                any.clear().setName("s").setType(AttributeProto.AttributeType.STRING)
                        .setS(ByteString.copyFromUtf8("héllo")).build(),
                any.clear().setName("t").setType(AttributeProto.AttributeType.TENSOR)
                        .setT(floatTensor("", dims(1), 9f)).build(),
                graphAttr("g", body),
                any.clear().setName("fs").setType(AttributeProto.AttributeType.FLOATS).addFloats(1f).addFloats(-2f).build(),
                any.clear().setName("is").setType(AttributeProto.AttributeType.INTS).addInts(4).addInts(5).build(),
                any.clear().setName("ss").setType(AttributeProto.AttributeType.STRINGS)
                        .addStrings(ByteString.copyFromUtf8("a")).addStrings(ByteString.copyFromUtf8("b")).build(),
                any.clear().setName("ts").setType(AttributeProto.AttributeType.TENSORS)
                        .addTensors(floatTensor("", dims(1), 1f)).addTensors(floatTensor("", dims(2), 2f, 3f)).build(),
                any.clear().setName("gs").setType(AttributeProto.AttributeType.GRAPHS).addGraphs(body).build(),
                any.clear().setName("tp").setType(AttributeProto.AttributeType.TYPE_PROTO)
                        .setTp(tensorType(Protos.INT64, 3)).build(),
                any.clear().setName("tps").setType(AttributeProto.AttributeType.TYPE_PROTOS)
                        .addTypeProtos(tensorType(Protos.BOOL)).build(),
                // Old exporters leave the type unset: the populated field decides.
                any.clear().setName("untyped_i").setI(7).build(),
                any.clear().setName("untyped_ints").addInts(1).addInts(2).build());
        GraphProto g = addGraph().toBuilder().addNode(node("Custom", "c", names("x"), names("w"),
                attrs.toArray(AttributeProto[]::new))).build();
        Graph ir = OnnxImporter.load(model(g, 17).toByteArray(), null).graph();
        Node n = ir.nodes().get(1);
        assertEquals(0.5f, n.attrFloat("f", 0));
        assertEquals(-3, n.attrInt("i", 0));
        assertEquals("héllo", n.attrString("s", ""));
        assertArrayEquals(new float[] {9f}, n.attrTensor("t").toFloatArray());
        Graph sub = n.attrGraph("g");
        assertEquals("body", sub.name());
        assertEquals(Map.of("", 17), sub.opsets());
        assertArrayEquals(new float[] {1f, -2f}, n.attrFloats("fs", null));
        assertArrayEquals(new long[] {4, 5}, n.attrInts("is", null));
        assertEquals(List.of("a", "b"), n.attrStrings("ss", null));
        assertEquals(2, n.attr("ts").asTensors().size());
        assertArrayEquals(new float[] {2f, 3f}, n.attr("ts").asTensors().get(1).toFloatArray());
        assertEquals("body", n.attr("gs").asGraphs().getFirst().name());
        assertEquals(ValueType.tensor(DType.INT64, 3), n.attr("tp").asType());
        assertEquals(Attribute.Kind.TYPE_PROTOS, n.attr("tps").kind());
        assertEquals(7, n.attrInt("untyped_i", 0));
        assertArrayEquals(new long[] {1, 2}, n.attrInts("untyped_ints", null));
    }

    @Test
    void unsupportedInitializerTypeNamesFileTensorAndType() throws IOException {
        TensorProto f8 = TensorProto.newBuilder().setName("w8").setDataType(DType.FLOAT8E5M2.onnxCode()).addDims(2)
                .setRawData(ByteString.copyFrom(new byte[2])).build();
        Path f = tmp.resolve("f8.onnx");
        Files.write(f, model(addGraph().toBuilder().addInitializer(f8).build(), 19).toByteArray());
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> OnnxImporter.load(f));
        assertTrue(e.getMessage().contains("f8.onnx") && e.getMessage().contains("'w8'")
                && e.getMessage().contains("float8e5m2"), e.getMessage());
        assertInstanceOf(UnsupportedDTypeException.class, e.getCause());
        assertFalse(e.getMessage().contains("\n"));
    }

    @Test
    void rawDataOfTheWrongSizeNamesFileAndTensor() throws IOException {
        TensorProto bad = floatTensor("bias", dims(3), 1f, 2f);
        Path f = tmp.resolve("bad.onnx");
        Files.write(f, model(addGraph().toBuilder().addInitializer(bad).build(), 17).toByteArray());
        String m = assertThrows(ModelFormatException.class, () -> OnnxImporter.load(f)).getMessage();
        assertTrue(m.contains("bad.onnx") && m.contains("'bias'") && m.contains("needs 12 bytes of raw_data, has 8"), m);

        AttributeProto badAttr = AttributeProto.newBuilder().setName("value").setType(AttributeProto.AttributeType.TENSOR)
                .setT(bad).build();
        Files.write(f, model(addGraph().toBuilder().addNode(node("Constant", "k", names(), names("c"), badAttr))
                .build(), 17).toByteArray());
        m = assertThrows(ModelFormatException.class, () -> OnnxImporter.load(f)).getMessage();
        assertTrue(m.contains("bad.onnx") && m.contains("'k' (Constant)") && m.contains("attribute 'value'"), m);
    }

    private String loadError(Path f) {
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> OnnxImporter.load(f));
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
        assertTrue(e.getMessage().contains(f.getFileName().toString()), e.getMessage());
        return e.getMessage();
    }

    @Test
    void malformedFilesAreOneLineErrorsNamingTheFile() throws IOException {
        byte[] good = addModel().toByteArray();

        Path truncated = tmp.resolve("truncated.onnx");
        Files.write(truncated, Arrays.copyOf(good, good.length / 2));
        assertTrue(loadError(truncated).contains("truncated"));

        Path random = tmp.resolve("random.onnx");
        byte[] noise = new byte[4096];
        new Random(7).nextBytes(noise);
        Files.write(random, noise);
        assertTrue(loadError(random).contains("ONNX model"));

        Path text = tmp.resolve("text.onnx");
        Files.writeString(text, "this is not a model\n");
        assertTrue(loadError(text).contains("ONNX model"));

        Path empty = tmp.resolve("empty.onnx");
        Files.write(empty, new byte[0]);
        assertTrue(loadError(empty).contains("empty"));

        assertTrue(loadError(tmp.resolve("missing.onnx")).contains("does not exist"));

        Path dir = Files.createDirectory(tmp.resolve("dir.onnx"));
        assertTrue(loadError(dir).contains("not a regular file"));
    }

    /**
     * The file is mapped while it is parsed: the weights must be copies, or a model rewritten in place (a new export
     * over the old file) would change an engine already loaded, and a deleted one would leave it reading freed pages.
     */
    @Test
    void weightsAreCopiesThatOutliveTheFile() throws IOException {
        float[] values = new float[300_000]; // over a page, and over the size of a mapped tensor block
        for (int i = 0; i < values.length; i++) values[i] = (float) Math.sin(i) * 3 + 0.25f;
        GraphProto g = GraphProto.newBuilder().setName("main")
                .addInput(floatValue("x", values.length)).addOutput(floatValue("y", values.length))
                .addInitializer(floatTensor("b", dims(values.length), values))
                .addNode(node("Add", "add", names("x", "b"), names("y"))).build();
        Path f = tmp.resolve("big.onnx");
        Files.write(f, model(g, 17).toByteArray());
        Model loaded = OnnxImporter.load(f);

        float[] other = values.clone();
        java.util.Arrays.fill(other, -1f);
        Files.write(f, model(g.toBuilder().setInitializer(0, floatTensor("b", dims(values.length), other)).build(), 17)
                .toByteArray(), java.nio.file.StandardOpenOption.TRUNCATE_EXISTING);
        Files.delete(f);
        System.gc();
        assertArrayEquals(values, loaded.graph().initializers().get("b").toFloatArray());
    }

    @Test
    void bytesWithoutAFileStillGiveModelFormatErrors() {
        ModelFormatException e = assertThrows(ModelFormatException.class,
                () -> OnnxImporter.load(new byte[] {(byte) 0xFF, 0x12, 0x34}, null));
        assertTrue(e.getMessage().contains("not a valid ONNX model"), e.getMessage());
        assertThrows(ModelFormatException.class, () -> OnnxImporter.load(new byte[0], null));
    }

    @Test
    void subGraphsKeepTheirOwnInitializersAndValueInfo() {
        GraphProto body = GraphProto.newBuilder().setName("then")
                .addInitializer(floatTensor("k", dims(1), 3f)).addOutput(floatValue("r", 1))
                .addValueInfo(floatValue("tmp", 1))
                .addNode(node("Mul", "m", names("x", "k"), names("r"))).build();
        GraphProto g = addGraph().toBuilder()
                .addInput(value("cond", tensorType(Protos.BOOL)))
                .addNode(node("If", "if", names("cond"), names("out"), graphAttr("then_branch", body),
                        graphAttr("else_branch", body))).build();
        Graph ir = OnnxImporter.load(model(g, 17).toByteArray(), null).graph();
        Graph then = ir.nodes().get(1).attrGraph("then_branch");
        assertArrayEquals(new float[] {3f}, then.initializers().get("k").toFloatArray());
        assertEquals(ValueType.tensor(DType.FLOAT32, 1), then.typeOf("tmp"));
        assertNull(ir.initializers().get("k"));
    }
}
