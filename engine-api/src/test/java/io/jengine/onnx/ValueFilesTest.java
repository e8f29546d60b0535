package io.jengine.onnx;

import static io.jengine.onnx.Protos.dims;
import static io.jengine.onnx.Protos.floatTensor;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jengine.errors.TensorFileException;
import io.jengine.tensor.ValueType;
import io.jengine.onnx.proto.OnnxDataProto.OptionalProto;
import io.jengine.onnx.proto.OnnxDataProto.SequenceProto;
import io.jengine.onnx.proto.OnnxProto.TensorProto;
import io.jengine.tensor.OptionalValue;
import io.jengine.tensor.TensorSequence;
import io.jengine.tensor.DType;
import io.jengine.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ValueFilesTest {
    private static final ValueType FLOATS = ValueType.tensor(DType.FLOAT32, 2);
    private static final ValueType SEQ = new ValueType.SequenceType(FLOATS);

    @TempDir
    Path tmp;

    @Test
    void writesAndReadsTensorsOfEveryType() throws IOException {
        for (DType d : DType.values()) {
            if (!d.isSupported()) continue;
            Tensor t = d == DType.STRING ? Tensor.ofStrings(new long[] {2, 1}, "a", "ß")
                    : Tensor.fromDoubles(d, new long[] {2, 1}, new double[] {1, d.isUnsigned() ? 3 : -3});
            Path f = tmp.resolve(d + ".pb");
            ValueFiles.writeTensor(f, t);
            TensorProto written = TensorProto.parseFrom(Files.readAllBytes(f));
            assertEquals(d.onnxCode(), written.getDataType());
            assertEquals(d != DType.STRING, written.hasRawData());
            Tensor back = assertInstanceOf(Tensor.class, ValueFiles.read(f, null));
            assertEquals(d, back.dtype());
            assertArrayEquals(new long[] {2, 1}, back.shape());
            if (d == DType.STRING) assertArrayEquals(t.toStringArray(), back.toStringArray());
            else assertArrayEquals(t.toDoubleArray(), back.toDoubleArray(), d.toString());
        }
        ValueFiles.writeTensor(tmp.resolve("named.pb"), Tensor.ofFloats(new long[] {1}, 1f), "logits");
        assertEquals("logits", TensorProto.parseFrom(Files.readAllBytes(tmp.resolve("named.pb"))).getName());
    }

    @Test
    void sequencesAndOptionals() throws IOException {
        Path seq = tmp.resolve("seq.pb");
        Files.write(seq, SequenceProto.newBuilder().setElemType(1)
                .addTensorValues(floatTensor("", dims(2), 1f, 2f))
                .addTensorValues(floatTensor("", dims(2), 3f, 4f)).build().toByteArray());
        TensorSequence s = assertInstanceOf(TensorSequence.class, ValueFiles.read(seq, SEQ));
        assertEquals(2, s.size());
        assertEquals(DType.FLOAT32, s.elementType());
        assertArrayEquals(new float[] {3f, 4f}, s.get(1).toFloatArray());

        Path emptySeq = tmp.resolve("empty_seq.pb");
        Files.write(emptySeq, SequenceProto.newBuilder().setElemType(1).build().toByteArray());
        TensorSequence e = assertInstanceOf(TensorSequence.class,
                ValueFiles.read(emptySeq, new ValueType.SequenceType(ValueType.tensor(DType.INT64, 1))));
        assertEquals(0, e.size());
        assertEquals(DType.INT64, e.elementType(), "an empty sequence takes its element type from the model");

        Path optTensor = tmp.resolve("opt.pb");
        Files.write(optTensor, OptionalProto.newBuilder().setElemType(1)
                .setTensorValue(floatTensor("", dims(2), 5f, 6f)).build().toByteArray());
        OptionalValue o = assertInstanceOf(OptionalValue.class,
                ValueFiles.read(optTensor, new ValueType.OptionalType(FLOATS)));
        assertTrue(o.isPresent());
        assertArrayEquals(new float[] {5f, 6f}, ((Tensor) o.content()).toFloatArray());

        Path optSeq = tmp.resolve("opt_seq.pb");
        Files.write(optSeq, OptionalProto.newBuilder().setElemType(3).setSequenceValue(SequenceProto.newBuilder()
                .addTensorValues(floatTensor("", dims(2), 7f, 8f))).build().toByteArray());
        OptionalValue os = assertInstanceOf(OptionalValue.class,
                ValueFiles.read(optSeq, new ValueType.OptionalType(SEQ)));
        assertEquals(1, assertInstanceOf(TensorSequence.class, os.content()).size());

        Path none = tmp.resolve("none.pb");
        Files.write(none, OptionalProto.newBuilder().setElemType(0).build().toByteArray());
        OptionalValue empty = assertInstanceOf(OptionalValue.class, ValueFiles.read(none, new ValueType.OptionalType(FLOATS)));
        assertFalse(empty.isPresent());
        assertEquals(FLOATS, empty.elementType());
    }

    @Test
    void badFilesNameTheFile() throws IOException {
        String m = assertThrows(TensorFileException.class, () -> ValueFiles.read(tmp.resolve("gone.pb"), null))
                .getMessage();
        assertTrue(m.contains("gone.pb") && m.contains("does not exist"), m);

        Path truncated = tmp.resolve("trunc.pb");
        byte[] good = floatTensor("t", dims(4), 1f, 2f, 3f, 4f).toByteArray();
        Files.write(truncated, Arrays.copyOf(good, good.length - 5));
        m = assertThrows(TensorFileException.class, () -> ValueFiles.read(truncated, null)).getMessage();
        assertTrue(m.contains("trunc.pb"), m);

        Path wrongSize = tmp.resolve("size.pb");
        Files.write(wrongSize, floatTensor("t", dims(3), 1f).toByteArray());
        m = assertThrows(TensorFileException.class, () -> ValueFiles.read(wrongSize, null)).getMessage();
        assertTrue(m.contains("size.pb") && m.contains("needs 12 bytes of raw_data, has 4"), m);
    }
}
