package io.jengine.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.jengine.errors.ModelFormatException;
import io.jengine.errors.TensorFileException;
import io.jengine.ir.Graph;
import io.jengine.ir.Model;
import io.jengine.ir.Node;
import io.jengine.tensor.Shape;
import io.jengine.ir.ValueInfo;
import io.jengine.tensor.ValueType;
import io.jengine.tensor.OptionalValue;
import io.jengine.tensor.TensorSequence;
import io.jengine.tensor.Value;
import io.jengine.tensor.DType;
import io.jengine.tensor.Tensor;
import io.jengine.tensor.UnsupportedDTypeException;
import io.jengine.verify.SharedData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Imports real models and value files of the ONNX node conformance suite (skipped without it, failed under CI). */
class OnnxConformanceImportTest {
    private static Path node;

    @BeforeAll
    static void locate() {
        Path dir = SharedData.root().map(r -> r.resolve("onnx-conformance/node")).filter(Files::isDirectory)
                .orElse(null);
        if (dir == null) {
            if (SharedData.isCi()) fail(SharedData.missingMessage("the ONNX conformance suite"));
            Assumptions.abort(SharedData.missingMessage("the ONNX conformance suite"));
        }
        node = dir;
    }

    private static Model load(String name) { return OnnxImporter.load(node.resolve(name).resolve("model.onnx")); }

    private static Path data(String name, String file) { return node.resolve(name).resolve("test_data_set_0/" + file); }

    @Test
    void simpleModelHasOpsetsTypesAndNodes() {
        Model m = load("test_add");
        assertEquals(Map.of("", m.opsets().get("")), m.opsets());
        assertTrue(m.opsets().get("") >= 7);
        assertTrue(m.irVersion() >= 3);
        assertEquals("backend-test", m.producerName());
        Graph g = m.graph();
        assertEquals(List.of("x", "y"), g.inputs().stream().map(ValueInfo::name).toList());
        assertEquals(ValueType.tensor(DType.FLOAT32, 3, 4, 5), g.inputs().getFirst().type());
        assertEquals(1, g.nodes().size());
        Node add = g.nodes().getFirst();
        assertEquals("Add", add.opType());
        assertEquals("", add.domain());
        assertEquals(List.of("x", "y"), add.inputs());
        assertEquals(List.of("sum"), add.outputs());
    }

    @Test
    void ifBranchesAreGraphsWithTheParentsOpsetsAndConstantsStayNodes() {
        Model m = load("test_if");
        Node ifNode = m.graph().nodes().getFirst();
        assertEquals("If", ifNode.opType());
        Graph then = ifNode.attrGraph("then_branch");
        Graph otherwise = ifNode.attrGraph("else_branch");
        assertNotNull(then);
        assertEquals(m.opsets(), then.opsets());
        assertEquals(m.opsets(), otherwise.opsets());
        Node constant = then.nodes().getFirst();
        assertEquals("Constant", constant.opType());
        Tensor v = constant.attrTensor("value");
        assertEquals(DType.FLOAT32, v.dtype());
        assertArrayEquals(new float[] {1, 2, 3, 4, 5}, v.toFloatArray());
        assertArrayEquals(new float[] {5, 4, 3, 2, 1}, otherwise.nodes().getFirst().attrTensor("value").toFloatArray());
        assertEquals(List.of("then_out"), then.outputs().stream().map(ValueInfo::name).toList());
        assertEquals(ValueType.tensor(DType.BOOL, new Shape(List.of())), m.graph().inputs().getFirst().type());
    }

    @Test
    void sequenceAndOptionalTypesAndValues() {
        Model m = load("test_optional_get_element_optional_sequence");
        ValueType in = m.graph().inputs().getFirst().type();
        ValueType.OptionalType opt = assertInstanceOf(ValueType.OptionalType.class, in);
        ValueType.SequenceType seq = assertInstanceOf(ValueType.SequenceType.class, opt.elementType());
        assertInstanceOf(ValueType.TensorType.class, seq.elementType());

        Value v = ValueFiles.read(data("test_optional_get_element_optional_sequence", "input_0.pb"), in);
        OptionalValue o = assertInstanceOf(OptionalValue.class, v);
        assertTrue(o.isPresent());
        assertInstanceOf(TensorSequence.class, o.content());

        Model ins = load("test_sequence_insert_at_back");
        ValueType seqType = ins.graph().inputs().getFirst().type();
        assertInstanceOf(ValueType.SequenceType.class, seqType);
        TensorSequence s = assertInstanceOf(TensorSequence.class,
                ValueFiles.read(data("test_sequence_insert_at_back", "input_0.pb"), seqType));
        TensorSequence out = assertInstanceOf(TensorSequence.class, ValueFiles.read(
                data("test_sequence_insert_at_back", "output_0.pb"), ins.graph().outputs().getFirst().type()));
        assertEquals(s.size() + 1, out.size());
        assertTrue(s.size() > 0);
    }

    @Test
    void loopBodyReadsItsOwnInputs() {
        Model m = load("test_loop11");
        Node loop = m.graph().nodes().stream().filter(n -> n.opType().equals("Loop")).findFirst().orElseThrow();
        Graph body = loop.attrGraph("body");
        assertTrue(body.inputs().size() >= 2, body.inputs().toString());
        assertEquals(m.opsets(), body.opsets());
    }

    @Test
    void tensorValueFileMatchesItsModelType() {
        Model m = load("test_add");
        Tensor x = assertInstanceOf(Tensor.class, ValueFiles.read(data("test_add", "input_0.pb"), null));
        assertEquals(DType.FLOAT32, x.dtype());
        assertArrayEquals(new long[] {3, 4, 5}, x.shape());
        Tensor y = (Tensor) ValueFiles.read(data("test_add", "input_1.pb"), m.graph().inputs().get(1).type());
        Tensor sum = (Tensor) ValueFiles.read(data("test_add", "output_0.pb"), null);
        for (int i = 0; i < 60; i++) assertEquals(x.getFloat(i) + y.getFloat(i), sum.getFloat(i), 1e-6);
    }

    @Test
    void unsupportedElementTypeInAValueFileNamesTheFileAndKeepsTheCause() {
        String name = "test_cast_FLOAT8E4M3FN_to_FLOAT";
        Assumptions.assumeTrue(Files.isDirectory(node.resolve(name)));
        Model m = load(name);
        Path in = data(name, "input_0.pb");
        TensorFileException e = assertThrows(TensorFileException.class,
                () -> ValueFiles.read(in, m.graph().inputs().getFirst().type()));
        assertTrue(e.getMessage().contains("input_0.pb") && e.getMessage().contains("float8e4m3fn"), e.getMessage());
        assertInstanceOf(UnsupportedDTypeException.class, e.getCause());
    }

    /** The "light" zoo models (whole networks with generated weights) import, and so do their expected outputs. */
    @Test
    void lightModelsImport() throws IOException {
        Path light = node.resolveSibling("light");
        Assumptions.assumeTrue(Files.isDirectory(light));
        int n = 0;
        try (Stream<Path> files = Files.list(light)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".onnx")).sorted().toList()) {
                Model m = OnnxImporter.load(f);
                assertTrue(m.graph().nodes().size() > 5, f.toString());
                String stem = f.getFileName().toString().replace(".onnx", "");
                Path out = f.resolveSibling(stem + "_output_0.pb");
                Tensor t = assertInstanceOf(Tensor.class, ValueFiles.read(out, m.graph().outputs().getFirst().type()));
                assertEquals(DType.FLOAT32, t.dtype(), out.toString());
                n++;
            }
        }
        assertTrue(n >= 5, "only " + n + " light models");
    }

    /** Every model of the suite imports; the only acceptable failure is an element type the engine lacks. */
    @Test
    void everyNodeModelImports() throws IOException {
        List<String> broken = new ArrayList<>();
        int loaded = 0;
        try (Stream<Path> dirs = Files.list(node)) {
            for (Path d : dirs.sorted().toList()) {
                Path model = d.resolve("model.onnx");
                if (!Files.isRegularFile(model)) continue;
                try {
                    OnnxImporter.load(model);
                    loaded++;
                } catch (ModelFormatException e) {
                    if (!(e.getCause() instanceof UnsupportedDTypeException)) broken.add(d.getFileName() + ": " + e);
                } catch (RuntimeException e) {
                    broken.add(d.getFileName() + ": " + e);
                }
            }
        }
        assertEquals(List.of(), broken);
        assertTrue(loaded > 1000, "only " + loaded + " models loaded");
    }
}
