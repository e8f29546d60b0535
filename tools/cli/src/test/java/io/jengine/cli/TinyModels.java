package io.jengine.cli;

import io.jengine.onnx.proto.OnnxProto.AttributeProto;
import io.jengine.onnx.proto.OnnxProto.GraphProto;
import io.jengine.onnx.proto.OnnxProto.ModelProto;
import io.jengine.onnx.proto.OnnxProto.NodeProto;
import io.jengine.onnx.proto.OnnxProto.OperatorSetIdProto;
import io.jengine.onnx.proto.OnnxProto.TensorProto;
import io.jengine.onnx.proto.OnnxProto.TensorShapeProto;
import io.jengine.onnx.proto.OnnxProto.TypeProto;
import io.jengine.onnx.proto.OnnxProto.ValueInfoProto;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * One-node ONNX models over a float input {@code x} of shape [batch, width] (a negative batch: an open dimension
 * named N), written by tests so that the CLI's commands run without the model zoo; and {@link #cli}, which runs the
 * CLI and captures its exit code, stdout and stderr.
 */
final class TinyModels {
    private TinyModels() {}

    static final int FLOAT = 1, INT64 = 7, DOUBLE = 11;

    record Output(int code, String out, String err) {
        @Override
        public String toString() { return "exit " + code + "\nstdout:\n" + out + "stderr:\n" + err; }
    }

    /** Runs {@code engine ARGS} in-process. */
    static Output cli(String... args) {
        PrintStream oldOut = System.out, oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        int code;
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            code = EngineCli.execute(args);
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
        return new Output(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /** y = x. */
    static Path identity(Path file, long batch, long width) {
        return write(file, batch, width, "y", FLOAT, width, node("Identity", "y", "x"));
    }

    /** {@code out} = x * factor. */
    static Path scaled(Path file, long batch, long width, float factor, String out) {
        return write(file, batch, width, out, FLOAT, width, node("Mul", out, "x", "c"), floats("c", new long[0], factor));
    }

    /** y = x + c, c of shape [width]. */
    static Path plus(Path file, long batch, float... c) {
        return write(file, batch, c.length, "y", FLOAT, c.length, node("Add", "y", "x", "c"),
                floats("c", new long[] {c.length}, c));
    }

    /** y = x as float64. */
    static Path toDouble(Path file, long batch, long width) {
        NodeProto cast = node("Cast", "y", "x").toBuilder().addAttribute(AttributeProto.newBuilder().setName("to")
                .setType(AttributeProto.AttributeType.INT).setI(DOUBLE)).build();
        return write(file, batch, width, "y", DOUBLE, width, cast);
    }

    /** y = argmax(x * factor) over the last axis, int64 [batch]. */
    static Path argmax(Path file, long batch, long width, float factor) {
        NodeProto arg = node("ArgMax", "y", "s").toBuilder()
                .addAttribute(AttributeProto.newBuilder().setName("axis").setType(AttributeProto.AttributeType.INT).setI(-1))
                .addAttribute(AttributeProto.newBuilder().setName("keepdims").setType(AttributeProto.AttributeType.INT).setI(0))
                .build();
        return write(file, batch, width, "y", INT64, -1, node("Mul", "s", "x", "c"), arg,
                floats("c", new long[0], factor));
    }

    private static NodeProto node(String op, String out, String... in) {
        NodeProto.Builder b = NodeProto.newBuilder().setName(op.toLowerCase()).setOpType(op).addOutput(out);
        for (String i : in) b.addInput(i);
        return b.build();
    }

    private static TensorProto floats(String name, long[] dims, float... values) {
        TensorProto.Builder t = TensorProto.newBuilder().setName(name).setDataType(FLOAT);
        for (long d : dims) t.addDims(d);
        for (float v : values) t.addFloatData(v);
        return t.build();
    }

    /** Writes the model: input x [batch, width], output {@code out} of {@code outType} [batch, outWidth] (rank 1 when outWidth < 0). */
    private static Path write(Path file, long batch, long width, String out, int outType, long outWidth, Object... parts) {
        GraphProto.Builder g = GraphProto.newBuilder().setName("tiny")
                .addInput(ValueInfoProto.newBuilder().setName("x").setType(type(FLOAT, batch, width)))
                .addOutput(ValueInfoProto.newBuilder().setName(out)
                        .setType(outWidth < 0 ? type(outType, batch) : type(outType, batch, outWidth)));
        for (Object p : parts) {
            if (p instanceof NodeProto n) g.addNode(n);
            else g.addInitializer((TensorProto) p);
        }
        ModelProto m = ModelProto.newBuilder().setIrVersion(8).setGraph(g)
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(17)).build();
        try {
            Files.write(file, m.toByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return file;
    }

    private static TypeProto type(int elem, long... dims) {
        TensorShapeProto.Builder s = TensorShapeProto.newBuilder();
        for (long d : dims) {
            s.addDim(d < 0 ? TensorShapeProto.Dimension.newBuilder().setDimParam("N")
                    : TensorShapeProto.Dimension.newBuilder().setDimValue(d));
        }
        return TypeProto.newBuilder().setTensorType(TypeProto.Tensor.newBuilder().setElemType(elem).setShape(s)).build();
    }
}
