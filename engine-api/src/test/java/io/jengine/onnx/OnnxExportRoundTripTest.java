package io.jengine.onnx;

import static io.jengine.onnx.OnnxExportAssertions.assertModelsEqual;
import static io.jengine.onnx.OnnxExportModels.DTYPES;
import static io.jengine.onnx.OnnxExportModels.OPSETS;
import static io.jengine.onnx.OnnxExportModels.body;
import static io.jengine.onnx.OnnxExportModels.graph;
import static io.jengine.onnx.OnnxExportModels.model;
import static io.jengine.onnx.OnnxExportModels.shape;
import static io.jengine.onnx.OnnxExportModels.tensor;
import static io.jengine.onnx.OnnxExportModels.value;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jengine.ir.Attribute;
import io.jengine.ir.Graph;
import io.jengine.ir.Model;
import io.jengine.ir.Node;
import io.jengine.ir.ValueInfo;
import io.jengine.tensor.DType;
import io.jengine.tensor.Shape;
import io.jengine.tensor.Tensor;
import io.jengine.tensor.ValueType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** IR → ONNX bytes → IR gives the same model: attributes, dtypes, sub-graphs, engine ops, types, model fields. */
class OnnxExportRoundTripTest {
    @TempDir
    Path tmp;

    /** Exports, re-imports from bytes, checks equality, and hands back what was read. */
    private static Model roundTrip(Model m) {
        Model back = OnnxImporter.load(OnnxExporter.toBytes(m), null);
        assertModelsEqual(m, back);
        return back;
    }

    @Test
    void everyAttributeKindComesBackByValue() {
        Model m = OnnxExportModels.everyAttributeModel();
        Set<Attribute.Kind> used = m.graph().nodes().getFirst().attributes().values().stream()
                .map(Attribute::kind).collect(Collectors.toCollection(() -> EnumSet.noneOf(Attribute.Kind.class)));
        assertEquals(EnumSet.allOf(Attribute.Kind.class), used, "the model must use every attribute kind the IR has");

        Node n = roundTrip(m).graph().nodes().getFirst();
        assertEquals(List.of("x", "", "w", ""), n.inputs());
        assertEquals(List.of("y", ""), n.outputs());
        assertEquals("test.attrs", n.domain());
        assertEquals(Float.NaN, n.attrFloat("f_nan", 0), "a NaN attribute stays NaN");
        assertEquals("g_body", n.attrGraph("g").name());
    }

    @Test
    void initializersOfEveryDtypeScalarAndEmptyAreBitwiseEqual() {
        assertEquals(DTYPES.size(), EnumSet.allOf(DType.class).stream().filter(DType::isSupported).count(),
                "the test must cover every dtype the engine supports");
        Graph.Builder g = graph("dtypes");
        for (DType d : DTYPES) {
            g.initializer("w_" + d.label(), tensor(d, d.ordinal(), 3, 4));
            g.initializer("scalar_" + d.label(), tensor(d, 100 + d.ordinal()));
            g.initializer("empty_" + d.label(), tensor(d, 0, 2, 0, 5));
        }
        g.addOutput(value("w_float32", DType.FLOAT32, 3, 4));
        Model back = roundTrip(model(g.build()));
        assertEquals(3 * DTYPES.size(), back.graph().initializers().size());
        Tensor u64 = back.graph().initializers().get("w_uint64");
        assertEquals(0x8000000000000001L, u64.getLong(0));
        assertEquals(0x7fc01234, Float.floatToRawIntBits(back.graph().initializers().get("w_float32").getFloat(1)));
    }

    @Test
    void ifBranchesReadingAnOuterValueKeepTheirOwnInitializersAndTypes() {
        Graph thenBody = body("then", "x");
        // The else branch nests one more level: a Loop-like body of a custom op inside it, reading the outermost x.
        Graph elseBody = body("else", "bias").toBuilder()
                .addNode(Node.builder("Scan").name("inner_scan").inputs("else_out").outputs("else_scanned")
                        .attr(Attribute.of("body", body("scan_body", "x")))
                        .attr(Attribute.of("num_scan_inputs", 1L)).build())
                .build();
        Graph main = graph("main")
                .addInput(value("cond", DType.BOOL))
                .addInput(value("x", DType.FLOAT32, "batch", 4))
                .addOutput(value("y", DType.FLOAT32, "batch", 4))
                .initializer("bias", tensor(DType.FLOAT32, 5, 4))
                .addNode(Node.builder("If").name("branch").inputs("cond").outputs("y")
                        .attr(Attribute.of("then_branch", thenBody)).attr(Attribute.of("else_branch", elseBody)).build())
                .build();
        Node branch = roundTrip(model(main)).graph().nodes().getFirst();
        Graph then = branch.attrGraph("then_branch");
        assertEquals(List.of("then_in", "x"), then.nodes().getFirst().inputs());
        assertTrue(then.initializers().containsKey("then_k"));
        assertEquals(OPSETS, then.opsets());
        assertEquals("scan_body", branch.attrGraph("else_branch").nodes().get(2).attrGraph("body").name());
    }

    @Test
    void engineDomainNodesWithBlockedTypesAndSymbolicInputs() {
        ValueType blocked = ValueType.tensor(DType.FLOAT32, shape("batch", 2, 56, 56, 8));
        Graph g = graph("optimized")
                .addInput(value("x", DType.FLOAT32, "batch", 16, null, 56))
                .addOutput(new ValueInfo("y", blocked))
                .initializer("w_blk", tensor(DType.FLOAT32, 9, 2, 2, 3, 3, 8, 8))
                .valueInfo(new ValueInfo("x_blk", blocked))
                .addNode(Node.builder("ToBlocked").name("to_blocked").domain("jengine").inputs("x").outputs("x_blk")
                        .attr(Attribute.of("block", 8L)).build())
                .addNode(Node.builder("ConvBlocked").name("conv0").domain("jengine").inputs("x_blk", "w_blk", "")
                        .outputs("y").attr(Attribute.of("pads", new long[] {1, 1, 1, 1}))
                        .attr(Attribute.of("activation", "relu")).build())
                .build();
        Model back = roundTrip(model(g));
        assertEquals(blocked, back.graph().valueInfo().get("x_blk").type());
        assertEquals(shape("batch", 16, null, 56), ((ValueType.TensorType) back.graph().inputs().getFirst().type()).shape());
        assertEquals(List.of("jengine", "jengine"), back.graph().nodes().stream().map(Node::domain).toList());
        assertEquals(1, back.opsets().get("jengine"));
    }

    @Test
    void valueTypesOfEveryForm() {
        ValueType seq = new ValueType.SequenceType(ValueType.tensor(DType.INT64, shape("len")));
        List<ValueInfo> inputs = List.of(
                value("known", DType.FLOAT32, 1, 3, 224, 224),
                value("symbolic", DType.FLOAT16, "batch", "seq", 768),
                value("unknown_dims", DType.INT32, null, null),
                new ValueInfo("unknown_shape", new ValueType.TensorType(DType.UINT8, null)),
                new ValueInfo("unknown_elem", new ValueType.TensorType(null, Shape.of(2))),
                value("scalar", DType.BFLOAT16),
                new ValueInfo("seq", seq),
                new ValueInfo("seq_of_unknown", new ValueType.SequenceType(null)),
                new ValueInfo("opt", new ValueType.OptionalType(seq)),
                new ValueInfo("map", new ValueType.MapType(DType.STRING, ValueType.tensor(DType.FLOAT64, 1))),
                new ValueInfo("sparse", new ValueType.SparseTensorType(DType.FLOAT32, shape("n", 4))),
                new ValueInfo("untyped", null));
        Graph.Builder g = graph("types").inputs(inputs).addOutput(new ValueInfo("out", null))
                .valueInfo(new ValueInfo("mid", new ValueType.OptionalType(ValueType.tensor(DType.BOOL, 0))))
                .valueInfo(new ValueInfo("mid_untyped", null))
                .addNode(Node.builder("Identity").inputs("known").outputs("out").build());
        Model back = roundTrip(model(g.build()));
        assertEquals(inputs, back.graph().inputs());
    }

    @Test
    void modelFieldsOpsetsAndMetadata() {
        Map<String, Integer> opsets = new LinkedHashMap<>();
        opsets.put("jengine", 3);
        opsets.put("", 21);
        Map<String, String> meta = new LinkedHashMap<>();
        for (int i = 0; i < 12; i++) meta.put("key" + i, "value " + i);
        meta.put("", "empty key");
        Graph g = Graph.builder("meta").opsets(opsets).addOutput(value("y", DType.FLOAT32))
                .addNode(Node.builder("Constant").outputs("y").attr(Attribute.of("value", Tensor.scalar(DType.FLOAT32, 1)))
                        .build())
                .build();
        Model m = new Model(10, "producer ✓", "", g, meta);
        Model back = roundTrip(m);
        assertEquals(List.of("jengine", ""), List.copyOf(back.opsets().keySet()));
        assertEquals(meta, back.metadata());
        assertEquals("", back.graph().nodes().getFirst().name(), "an unnamed node stays unnamed");
    }

    @Test
    void fileWrittenFromBytesLoadsByPath() throws IOException {
        Model m = OnnxExportModels.everyAttributeModel();
        Path f = Files.write(tmp.resolve("exported.onnx"), OnnxExporter.toBytes(m));
        assertModelsEqual(m, OnnxImporter.load(f));
    }
}
