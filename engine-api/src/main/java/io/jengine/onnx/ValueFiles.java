package io.jengine.onnx;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.jengine.errors.EngineException;
import io.jengine.errors.TensorFileException;
import io.jengine.tensor.ValueType;
import io.jengine.onnx.proto.OnnxDataProto.OptionalProto;
import io.jengine.onnx.proto.OnnxDataProto.SequenceProto;
import io.jengine.onnx.proto.OnnxProto.TensorProto;
import io.jengine.tensor.OptionalValue;
import io.jengine.tensor.TensorSequence;
import io.jengine.tensor.Value;
import io.jengine.tensor.DType;
import io.jengine.tensor.Tensor;
import io.jengine.tensor.UnsupportedDTypeException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Values stored as ONNX protobuf files: TensorProto, and SequenceProto / OptionalProto for the conformance suite. */
public final class ValueFiles {
    private static final TensorDecoder DECODER = new TensorDecoder(null);

    private ValueFiles() {}

    /**
     * Reads a .pb value file. {@code expected} (may be null) says whether a tensor, sequence or optional is stored, as
     * the protobuf bytes alone do not.
     */
    public static Value read(Path file, ValueType expected) {
        if (!Files.exists(file)) throw new TensorFileException("value file " + file + " does not exist");
        if (!Files.isRegularFile(file)) throw new TensorFileException("value file " + file + " is not a regular file");
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new TensorFileException("cannot read " + file + ": " + e);
        }
        try {
            return switch (expected) {
                case ValueType.SequenceType s -> sequence(SequenceProto.parseFrom(bytes), s);
                case ValueType.OptionalType o -> optional(OptionalProto.parseFrom(bytes), o);
                case null, default -> DECODER.decode(TensorProto.parseFrom(bytes));
            };
        } catch (InvalidProtocolBufferException e) {
            throw new TensorFileException(file + " is not a valid ONNX protobuf value (truncated or not protobuf): "
                    + e.getMessage());
        } catch (EngineException | IllegalArgumentException | ArithmeticException e) {
            // An unsupported element type stays the direct cause: the conformance runner reports it as skipped.
            Throwable cause = e.getCause() instanceof UnsupportedDTypeException u ? u : e;
            throw new TensorFileException(file + ": " + e.getMessage(), cause);
        }
    }

    private static TensorSequence sequence(SequenceProto p, ValueType.SequenceType type) {
        List<Tensor> items = new ArrayList<>();
        for (TensorProto t : p.getTensorValuesList()) items.add(DECODER.decode(t));
        DType elem = !items.isEmpty() ? items.getFirst().dtype()
                : type.elementType() instanceof ValueType.TensorType tt && tt.elementType() != null
                ? tt.elementType() : DType.FLOAT32;
        return new TensorSequence(elem, items);
    }

    private static OptionalValue optional(OptionalProto p, ValueType.OptionalType type) {
        if (p.hasTensorValue()) return new OptionalValue(type.elementType(), DECODER.decode(p.getTensorValue()));
        if (p.hasSequenceValue()) {
            ValueType.SequenceType s = type.elementType() instanceof ValueType.SequenceType st ? st
                    : new ValueType.SequenceType(null);
            return new OptionalValue(s, sequence(p.getSequenceValue(), s));
        }
        return OptionalValue.empty(type.elementType());
    }

    /** Writes a tensor as an unnamed TensorProto with raw_data (strings in string_data). */
    public static void writeTensor(Path file, Tensor t) { writeTensor(file, t, ""); }

    /** Writes a tensor as a TensorProto named {@code name}, with raw_data (strings in string_data). */
    public static void writeTensor(Path file, Tensor t, String name) {
        TensorProto.Builder b = TensorProto.newBuilder().setName(name).setDataType(t.dtype().onnxCode());
        for (long d : t.shape()) b.addDims(d);
        if (t.dtype() == DType.STRING) {
            for (String s : t.toStringArray()) b.addStringData(ByteString.copyFromUtf8(s));
        } else {
            b.setRawData(ByteString.copyFrom(t.data().asByteBuffer()));
        }
        try {
            Files.write(file, b.build().toByteArray());
        } catch (IOException e) {
            throw new TensorFileException("cannot write " + file + ": " + e);
        }
    }
}
