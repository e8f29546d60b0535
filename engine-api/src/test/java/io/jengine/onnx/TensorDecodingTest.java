package io.jengine.onnx;

import static io.jengine.onnx.Protos.dims;
import static io.jengine.onnx.Protos.floatTensor;
import static io.jengine.onnx.Protos.floatValue;
import static io.jengine.onnx.Protos.model;
import static io.jengine.onnx.Protos.names;
import static io.jengine.onnx.Protos.node;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.jengine.errors.ModelFormatException;
import io.jengine.ir.Model;
import io.jengine.onnx.proto.OnnxProto.AttributeProto;
import io.jengine.onnx.proto.OnnxProto.GraphProto;
import io.jengine.onnx.proto.OnnxProto.SparseTensorProto;
import io.jengine.onnx.proto.OnnxProto.StringStringEntryProto;
import io.jengine.onnx.proto.OnnxProto.TensorProto;
import io.jengine.tensor.DType;
import io.jengine.tensor.Tensor;
import io.jengine.tensor.UnsupportedDTypeException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** TensorProto decoding: every element type from raw_data and from the typed fields, external data, sparse tensors. */
class TensorDecodingTest {
    private final TensorDecoder decoder = new TensorDecoder(null);

    @TempDir
    Path tmp;

    /** One element type: the values it must decode to and how the typed fields store them. */
    private record Case(DType dtype, long[] bits, double[] values) {}

    private static final Case[] CASES = {
        new Case(DType.INT8, new long[] {-128, 127, -1}, new double[] {-128, 127, -1}),
        new Case(DType.UINT8, new long[] {0, 255, 7}, new double[] {0, 255, 7}),
        new Case(DType.INT16, new long[] {-32768, 32767, -2}, new double[] {-32768, 32767, -2}),
        new Case(DType.UINT16, new long[] {0, 65535, 9}, new double[] {0, 65535, 9}),
        new Case(DType.INT32, new long[] {Integer.MIN_VALUE, Integer.MAX_VALUE, -5},
                new double[] {Integer.MIN_VALUE, Integer.MAX_VALUE, -5}),
        new Case(DType.INT64, new long[] {Long.MIN_VALUE, Long.MAX_VALUE, -5},
                new double[] {Long.MIN_VALUE, Long.MAX_VALUE, -5}),
        new Case(DType.UINT32, new long[] {0, 4294967295L, 7}, new double[] {0, 4294967295.0, 7}),
        new Case(DType.UINT64, new long[] {-1L, Long.MIN_VALUE, 3}, new double[] {18446744073709551615.0, 9223372036854775808.0, 3}),
        new Case(DType.BOOL, new long[] {1, 0, 1}, new double[] {1, 0, 1}),
        new Case(DType.FLOAT16, new long[] {0x3C00, 0xC000, 0x7C00}, new double[] {1, -2, Double.POSITIVE_INFINITY}),
        new Case(DType.BFLOAT16, new long[] {0x3F80, 0xC000, 0x4049}, new double[] {1, -2, 3.140625}),
    };

    private static ByteString littleEndian(DType d, long[] bits) {
        ByteBuffer b = ByteBuffer.allocate(bits.length * d.byteSize()).order(ByteOrder.LITTLE_ENDIAN);
        for (long v : bits) {
            switch (d.byteSize()) {
                case 1 -> b.put((byte) v);
                case 2 -> b.putShort((short) v);
                case 4 -> b.putInt((int) v);
                default -> b.putLong(v);
            }
        }
        return ByteString.copyFrom(b.array());
    }

    private static TensorProto.Builder proto(DType d, long... dims) {
        TensorProto.Builder b = TensorProto.newBuilder().setName("t").setDataType(d.onnxCode());
        for (long x : dims) b.addDims(x);
        return b;
    }

    @Test
    void everyIntegerBoolAndHalfTypeFromRawAndTypedFields() {
        for (Case c : CASES) {
            TensorProto.Builder typed = proto(c.dtype, 3);
            for (long v : c.bits) {
                switch (c.dtype) {
                    case INT64 -> typed.addInt64Data(v);
                    case UINT32, UINT64 -> typed.addUint64Data(v);
                    default -> typed.addInt32Data((int) v);
                }
            }
            Tensor fromTyped = decoder.decode(typed.build());
            Tensor fromRaw = decoder.decode(proto(c.dtype, 3).setRawData(littleEndian(c.dtype, c.bits)).build());
            for (Tensor t : new Tensor[] {fromTyped, fromRaw}) {
                assertEquals(c.dtype, t.dtype());
                assertArrayEquals(new long[] {3}, t.shape());
                assertArrayEquals(c.values, t.toDoubleArray(), c.dtype.toString());
            }
            if (c.dtype.isInteger()) assertArrayEquals(c.bits, fromTyped.toLongArray(), c.dtype.toString());
        }
    }

    @Test
    void floatsDoublesAndStrings() {
        Tensor f = decoder.decode(proto(DType.FLOAT32, 2, 2).addFloatData(1.5f).addFloatData(-2f)
                .addFloatData(Float.NaN).addFloatData(3e38f).build());
        assertArrayEquals(new long[] {2, 2}, f.shape());
        assertArrayEquals(new float[] {1.5f, -2f, Float.NaN, 3e38f}, f.toFloatArray());

        ByteBuffer raw = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putDouble(0.1).putDouble(-1e300);
        Tensor d = decoder.decode(proto(DType.FLOAT64, 2).setRawData(ByteString.copyFrom(raw.array())).build());
        assertArrayEquals(new double[] {0.1, -1e300}, d.toDoubleArray());
        Tensor d2 = decoder.decode(proto(DType.FLOAT64, 2).addDoubleData(0.1).addDoubleData(-1e300).build());
        assertArrayEquals(d.toDoubleArray(), d2.toDoubleArray());

        Tensor s = decoder.decode(proto(DType.STRING, 2).addStringData(ByteString.copyFromUtf8("héllo"))
                .addStringData(ByteString.EMPTY).build());
        assertArrayEquals(new String[] {"héllo", ""}, s.toStringArray());

        Tensor scalar = decoder.decode(proto(DType.INT64).addInt64Data(42).build());
        assertEquals(0, scalar.rank());
        assertEquals(42, scalar.getLong(0));
        Tensor empty = decoder.decode(proto(DType.FLOAT32, 0, 3).build());
        assertArrayEquals(new long[] {0, 3}, empty.shape());
    }

    @Test
    void wrongAmountsOfDataAreNamedErrors() {
        String raw = assertThrows(ModelFormatException.class, () -> decoder.decode(proto(DType.FLOAT32, 3)
                .setRawData(ByteString.copyFrom(new byte[11])).build())).getMessage();
        assertTrue(raw.contains("'t'") && raw.contains("needs 12 bytes of raw_data, has 11"), raw);
        String typed = assertThrows(ModelFormatException.class,
                () -> decoder.decode(proto(DType.INT64, 2).addInt64Data(1).build())).getMessage();
        assertTrue(typed.contains("'t'") && typed.contains("int64_data holds 1"), typed);
        String neg = assertThrows(ModelFormatException.class,
                () -> decoder.decode(proto(DType.FLOAT32, -1).build())).getMessage();
        assertTrue(neg.contains("negative dimension -1"), neg);
        String code = assertThrows(ModelFormatException.class,
                () -> decoder.decode(proto(DType.FLOAT32).setDataType(99).build())).getMessage();
        assertTrue(code.contains("unknown data type 99"), code);
    }

    @Test
    void unsupportedElementTypeNamesTheTensorAndType() {
        ModelFormatException e = assertThrows(ModelFormatException.class,
                () -> decoder.decode(proto(DType.FLOAT8E4M3FN, 1).setName("w8").setRawData(ByteString.copyFrom(new byte[1]))
                        .build()));
        assertTrue(e.getMessage().contains("'w8'") && e.getMessage().contains("float8e4m3fn"), e.getMessage());
        assertInstanceOf(UnsupportedDTypeException.class, e.getCause());
    }

    // ---- external data ----

    private static TensorProto external(String name, String location, Long offset, Long length, long... dims) {
        TensorProto.Builder b = TensorProto.newBuilder().setName(name).setDataType(Protos.FLOAT)
                .setDataLocation(TensorProto.DataLocation.EXTERNAL)
                .addExternalData(StringStringEntryProto.newBuilder().setKey("location").setValue(location));
        if (offset != null) b.addExternalData(StringStringEntryProto.newBuilder().setKey("offset").setValue("" + offset));
        if (length != null) b.addExternalData(StringStringEntryProto.newBuilder().setKey("length").setValue("" + length));
        for (long d : dims) b.addDims(d);
        return b.build();
    }

    private Path writeModel(Path dir, TensorProto init) throws IOException {
        GraphProto g = GraphProto.newBuilder().setName("g").addInitializer(init)
                .addInput(floatValue("x", 2)).addOutput(floatValue("y", 2))
                .addNode(node("Add", "add", names("x", init.getName()), names("y"))).build();
        Files.createDirectories(dir);
        Path f = dir.resolve("model.onnx");
        Files.write(f, model(g, 17).toByteArray());
        return f;
    }

    @Test
    void externalDataWithOffsetAndLengthRelativeToTheModel() throws IOException {
        Path dir = tmp.resolve("m");
        Files.createDirectories(dir.resolve("data"));
        ByteBuffer b = ByteBuffer.allocate(8 + 8).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(0xDEADBEEFL).putFloat(2.5f).putFloat(-4f);
        Files.write(dir.resolve("data/w.bin"), b.array());
        Path f = writeModel(dir, external("w", "data/w.bin", 8L, 8L, 2));
        Model m = OnnxImporter.load(f);
        assertArrayEquals(new float[] {2.5f, -4f}, m.graph().initializers().get("w").toFloatArray());

        // From bytes with the folder given, the same; without a folder, a clear error.
        byte[] bytes = Files.readAllBytes(f);
        assertArrayEquals(new float[] {2.5f, -4f},
                OnnxImporter.load(bytes, dir).graph().initializers().get("w").toFloatArray());
        String noDir = assertThrows(ModelFormatException.class, () -> OnnxImporter.load(bytes, null)).getMessage();
        assertTrue(noDir.contains("'w'") && noDir.contains("data/w.bin"), noDir);
    }

    @Test
    void externalDataErrorsNameTheTensorAndThePath() throws IOException {
        Path dir = tmp.resolve("e");
        Path missing = writeModel(dir, external("w", "weights.bin", null, null, 2));
        String m = assertThrows(ModelFormatException.class, () -> OnnxImporter.load(missing)).getMessage();
        assertTrue(m.contains("model.onnx") && m.contains("'w'") && m.contains("weights.bin")
                && m.contains("does not exist"), m);

        Files.write(tmp.resolve("secret.bin"), new byte[8]);
        Path escape = writeModel(dir, external("w", "../secret.bin", null, null, 2));
        m = assertThrows(ModelFormatException.class, () -> OnnxImporter.load(escape)).getMessage();
        assertTrue(m.contains("'w'") && m.contains("outside the model's directory"), m);

        Path absolute = writeModel(dir, external("w", tmp.resolve("secret.bin").toString(), null, null, 2));
        m = assertThrows(ModelFormatException.class, () -> OnnxImporter.load(absolute)).getMessage();
        assertTrue(m.contains("outside the model's directory"), m);

        Files.createSymbolicLink(dir.resolve("link.bin"), tmp.resolve("secret.bin"));
        Path link = writeModel(dir, external("w", "link.bin", null, null, 2));
        m = assertThrows(ModelFormatException.class, () -> OnnxImporter.load(link)).getMessage();
        assertTrue(m.contains("outside the model's directory"), m);

        Files.write(dir.resolve("short.bin"), new byte[6]);
        Path tooShort = writeModel(dir, external("w", "short.bin", null, null, 2));
        m = assertThrows(ModelFormatException.class, () -> OnnxImporter.load(tooShort)).getMessage();
        assertTrue(m.contains("'w'") && m.contains("holds 6 bytes"), m);

        Files.write(dir.resolve("ok.bin"), new byte[8]);
        Path badLength = writeModel(dir, external("w", "ok.bin", 0L, 4L, 2));
        m = assertThrows(ModelFormatException.class, () -> OnnxImporter.load(badLength)).getMessage();
        assertTrue(m.contains("'w'") && m.contains("external data length is 4"), m);

        TensorProto strings = external("names", "ok.bin", null, null, 1).toBuilder().setDataType(8).build();
        m = assertThrows(ModelFormatException.class, () -> new TensorDecoder(dir).decode(strings)).getMessage();
        assertTrue(m.contains("'names'") && m.contains("string tensors cannot be stored as external data"), m);
    }

    // ---- sparse tensors ----

    private static TensorProto longs(String name, long[] dims, long... v) {
        TensorProto.Builder b = TensorProto.newBuilder().setName(name).setDataType(Protos.INT64);
        for (long d : dims) b.addDims(d);
        for (long x : v) b.addInt64Data(x);
        return b.build();
    }

    @Test
    void sparseInitializersAndAttributesBecomeDense() {
        SparseTensorProto linear = SparseTensorProto.newBuilder().addDims(2).addDims(3)
                .setValues(floatTensor("sp", dims(2), 5f, 7f)).setIndices(longs("", dims(2), 1, 5)).build();
        SparseTensorProto coords = SparseTensorProto.newBuilder().addDims(2).addDims(3)
                .setValues(floatTensor("", dims(2), 1f, 2f)).setIndices(longs("", dims(2, 2), 0, 2, 1, 0)).build();
        AttributeProto attr = AttributeProto.newBuilder().setName("sparse_value")
                .setType(AttributeProto.AttributeType.SPARSE_TENSOR).setSparseTensor(coords).build();
        GraphProto g = GraphProto.newBuilder().setName("g").addSparseInitializer(linear)
                .addNode(node("Constant", "c", names(), names("k"), attr))
                .addOutput(floatValue("k", 2, 3)).build();
        Model m = OnnxImporter.load(model(g, 13).toByteArray(), null);
        assertArrayEquals(new float[] {0, 5, 0, 0, 0, 7}, m.graph().initializers().get("sp").toFloatArray());
        Tensor k = m.graph().nodes().getFirst().attrTensor("sparse_value");
        assertArrayEquals(new long[] {2, 3}, k.shape());
        assertArrayEquals(new float[] {0, 0, 1, 2, 0, 0}, k.toFloatArray());
    }

    @Test
    void sparseIndexOutsideTheShapeIsAnError() {
        SparseTensorProto bad = SparseTensorProto.newBuilder().addDims(4)
                .setValues(floatTensor("sp", dims(1), 1f)).setIndices(longs("", dims(1), 4)).build();
        String m = assertThrows(ModelFormatException.class, () -> decoder.decodeSparse(bad)).getMessage();
        assertTrue(m.contains("'sp'") && m.contains("outside shape [4]"), m);
        SparseTensorProto badShape = bad.toBuilder().setIndices(longs("", dims(1, 2), 0, 0)).build();
        m = assertThrows(ModelFormatException.class, () -> decoder.decodeSparse(badShape)).getMessage();
        assertTrue(m.contains("'sp'") && m.contains("indices have shape [1,2]"), m);
    }
}
