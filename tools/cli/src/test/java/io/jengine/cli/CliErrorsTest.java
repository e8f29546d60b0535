package io.jengine.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jengine.io.Npy;
import io.jengine.onnx.proto.OnnxProto;
import io.jengine.tensor.Tensor;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bad input never crashes or hangs: each case below ends with exit code 2 and one line on stderr that names what is
 * wrong and what was expected.
 */
class CliErrorsTest {
    static final Path DIGITS = Path.of("../../examples/digits/digits_cnn.onnx");
    static final Path IMAGES = Path.of("../../examples/digits/test_images.npy");
    static final Path LABELS = Path.of("../../examples/digits/test_labels.npy");

    @TempDir
    Path tmp;

    /** Runs the CLI, asserts exit code 2 and a single "error: " line, and returns that line. */
    static String failWith(String... args) {
        PrintStream old = System.err;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        int code;
        try {
            System.setErr(new PrintStream(buf, true, StandardCharsets.UTF_8));
            code = EngineCli.execute(args);
        } finally {
            System.setErr(old);
        }
        String err = buf.toString(StandardCharsets.UTF_8).strip();
        assertEquals(2, code, "exit code; stderr: " + err);
        String[] lines = err.lines().filter(l -> !l.startsWith("WARNING")).toArray(String[]::new);
        assertEquals(1, lines.length, "exactly one line on stderr, got: " + err);
        assertTrue(lines[0].startsWith("error: "), lines[0]);
        return lines[0];
    }

    @Test
    void truncatedModel() throws IOException {
        byte[] model = Files.readAllBytes(DIGITS);
        Path f = tmp.resolve("truncated.onnx");
        Files.write(f, Arrays.copyOf(model, model.length / 2));
        String err = failWith("run", f.toString());
        assertTrue(err.contains("truncated.onnx"), err);
    }

    @Test
    void randomBytesModel() throws IOException {
        byte[] junk = new byte[4096];
        new Random(7).nextBytes(junk);
        Path f = tmp.resolve("random.onnx");
        Files.write(f, junk);
        String err = failWith("run", f.toString());
        assertTrue(err.contains("random.onnx"), err);
    }

    @Test
    void missingModelFile() {
        String err = failWith("run", tmp.resolve("nope.onnx").toString());
        assertTrue(err.contains("nope.onnx"), err);
    }

    @Test
    void missingExternalData() throws IOException {
        OnnxProto.TensorProto weights = OnnxProto.TensorProto.newBuilder().setName("w").addDims(4)
                .setDataType(OnnxProto.TensorProto.DataType.FLOAT_VALUE)
                .setDataLocation(OnnxProto.TensorProto.DataLocation.EXTERNAL)
                .addExternalData(entry("location", "weights.bin"))
                .addExternalData(entry("offset", "0")).addExternalData(entry("length", "16")).build();
        Path f = write("external.onnx", model(node("Add", "x", "w"), weights));
        String err = failWith("run", f.toString());
        assertTrue(err.contains("weights.bin") && err.contains("'w'"), err);
    }

    @Test
    void unknownOperator() throws IOException {
        Path f = write("unknown.onnx", model(node("FrobnicateTensor", "x", "x"), null));
        String err = failWith("run", f.toString(), "--input", "x=" + npy(Tensor.ofFloats(new long[] {4}, 1, 2, 3, 4)));
        assertTrue(err.contains("FrobnicateTensor") && err.contains("'n0'"), err);
    }

    @Test
    void wrongInputName() {
        String err = failWith("run", DIGITS.toString(), "--input", "pixels=" + IMAGES);
        assertTrue(err.contains("unknown input 'pixels'") && err.contains("image"), err);
    }

    @Test
    void wrongInputShape() throws IOException {
        Tensor flat = Tensor.allocate(io.jengine.tensor.DType.FLOAT32, 2, 64);
        String err = failWith("run", DIGITS.toString(), "--input", "image=" + npy(flat));
        assertTrue(err.contains("'image'") && err.contains("rank 4") && err.contains("[2,64]"), err);
    }

    @Test
    void wrongInputDtype() {
        String err = failWith("run", DIGITS.toString(), "--input", "image=" + LABELS);
        assertTrue(err.contains("'image'") && err.contains("float32") && err.contains("int64"), err);
    }

    @Test
    void malformedNpy() throws IOException {
        Path f = tmp.resolve("bad.npy");
        Files.write(f, "\u0093NUMPY garbage that is not a header".getBytes(StandardCharsets.ISO_8859_1));
        String err = failWith("run", DIGITS.toString(), "--input", "image=" + f);
        assertTrue(err.contains("bad.npy"), err);
    }

    @Test
    void outputFilesAreNotOverwritten() throws IOException {
        Files.writeString(tmp.resolve("logits.npy"), "precious");
        String err = failWith("run", DIGITS.toString(), "--input", "image=" + IMAGES, "--output-dir", tmp.toString());
        assertTrue(err.contains("logits.npy") && err.contains("--overwrite"), err);
        assertEquals("precious", Files.readString(tmp.resolve("logits.npy")));
    }

    private Path npy(Tensor t) {
        Path f = tmp.resolve("t" + System.nanoTime() + ".npy");
        Npy.write(f, t);
        return f;
    }

    private Path write(String name, OnnxProto.ModelProto m) throws IOException {
        Path f = tmp.resolve(name);
        Files.write(f, m.toByteArray());
        return f;
    }

    private static OnnxProto.StringStringEntryProto entry(String k, String v) {
        return OnnxProto.StringStringEntryProto.newBuilder().setKey(k).setValue(v).build();
    }

    private static OnnxProto.NodeProto node(String op, String a, String b) {
        return OnnxProto.NodeProto.newBuilder().setName("n0").setOpType(op).addInput(a).addInput(b).addOutput("y").build();
    }

    /** A one-node model over a float input x[4], with an optional initializer. */
    private static OnnxProto.ModelProto model(OnnxProto.NodeProto node, OnnxProto.TensorProto init) {
        OnnxProto.TypeProto type = OnnxProto.TypeProto.newBuilder().setTensorType(OnnxProto.TypeProto.Tensor.newBuilder()
                .setElemType(1).setShape(OnnxProto.TensorShapeProto.newBuilder()
                        .addDim(OnnxProto.TensorShapeProto.Dimension.newBuilder().setDimValue(4)))).build();
        OnnxProto.GraphProto.Builder g = OnnxProto.GraphProto.newBuilder().setName("g").addNode(node)
                .addInput(OnnxProto.ValueInfoProto.newBuilder().setName("x").setType(type))
                .addOutput(OnnxProto.ValueInfoProto.newBuilder().setName("y").setType(type));
        if (init != null) g.addInitializer(init);
        return OnnxProto.ModelProto.newBuilder().setIrVersion(8).setGraph(g)
                .addOpsetImport(OnnxProto.OperatorSetIdProto.newBuilder().setDomain("").setVersion(17)).build();
    }
}
