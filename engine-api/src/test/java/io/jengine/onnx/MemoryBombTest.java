package io.jengine.onnx;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.jengine.errors.ModelFormatException;
import io.jengine.onnx.proto.OnnxProto.GraphProto;
import io.jengine.onnx.proto.OnnxProto.ModelProto;
import io.jengine.onnx.proto.OnnxProto.NodeProto;
import io.jengine.onnx.proto.OnnxProto.ValueInfoProto;
import io.jengine.onnx.proto.OnnxProto.OperatorSetIdProto;
import io.jengine.onnx.proto.OnnxProto.SparseTensorProto;
import io.jengine.onnx.proto.OnnxProto.StringStringEntryProto;
import io.jengine.onnx.proto.OnnxProto.TensorProto;
import io.jengine.tensor.Tensor;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Models of a few bytes that declare huge tensors, one per way a size is stated (raw data, typed data, external data,
 * a sparse tensor's dense shape): each is refused with a clear error before anything is allocated for it (the engine's
 * count of native tensor bytes grows by less than 100 MB).
 */
class MemoryBombTest {
    @TempDir
    Path dir;

    static TensorProto.Builder huge(String name) {
        return TensorProto.newBuilder().setName(name).setDataType(TensorProto.DataType.FLOAT_VALUE)
                .addDims(1L << 20).addDims(1L << 20); // 4 TiB of float32
    }

    ModelProto model(String kind) throws Exception {
        GraphProto.Builder g = GraphProto.newBuilder().setName("bomb");
        switch (kind) {
            case "raw" -> g.addInitializer(huge("w").setRawData(ByteString.copyFrom(new byte[16])));
            case "typed" -> g.addInitializer(huge("w").addFloatData(1f).addFloatData(2f));
            case "external" -> {
                Files.write(dir.resolve("w.bin"), new byte[64]);
                g.addInitializer(huge("w").setDataLocation(TensorProto.DataLocation.EXTERNAL)
                        .addExternalData(StringStringEntryProto.newBuilder().setKey("location").setValue("w.bin"))
                        .addExternalData(StringStringEntryProto.newBuilder().setKey("offset").setValue("8")));
            }
            case "external-offset" -> {
                Files.write(dir.resolve("w.bin"), new byte[64]);
                g.addInitializer(TensorProto.newBuilder().setName("w").setDataType(TensorProto.DataType.FLOAT_VALUE)
                        .addDims(4).setDataLocation(TensorProto.DataLocation.EXTERNAL)
                        .addExternalData(StringStringEntryProto.newBuilder().setKey("location").setValue("w.bin"))
                        .addExternalData(StringStringEntryProto.newBuilder().setKey("offset")
                                .setValue(Long.toString(Long.MAX_VALUE - 4))));
            }
            case "sparse" -> g.addSparseInitializer(SparseTensorProto.newBuilder().addDims(1L << 20).addDims(1L << 20)
                    .setValues(TensorProto.newBuilder().setName("w").setDataType(TensorProto.DataType.FLOAT_VALUE)
                            .addDims(1).addFloatData(1f))
                    .setIndices(TensorProto.newBuilder().setDataType(TensorProto.DataType.INT64_VALUE).addDims(1)
                            .addInt64Data(5)));
            case "strings" -> g.addInitializer(TensorProto.newBuilder().setName("s")
                    .setDataType(TensorProto.DataType.STRING_VALUE).addDims(1L << 40).addStringData(ByteString.copyFromUtf8("a")));
            default -> throw new IllegalArgumentException(kind);
        }
        g.addNode(NodeProto.newBuilder().setOpType("Identity").addInput(kind.equals("strings") ? "s" : "w").addOutput("y"))
                .addOutput(ValueInfoProto.newBuilder().setName("y"));
        return ModelProto.newBuilder().setIrVersion(8).addOpsetImport(OperatorSetIdProto.newBuilder().setVersion(17))
                .setGraph(g).build();
    }

    @ParameterizedTest
    @ValueSource(strings = {"raw", "typed", "external", "external-offset", "sparse", "strings"})
    void aSmallFileCannotMakeTheEngineAllocateWhatItDeclares(String kind) throws Exception {
        byte[] bytes = model(kind).toByteArray();
        assertTrue(bytes.length < 200, kind + ": " + bytes.length + " bytes");
        long before = Tensor.allocatedBytes();
        var e = assertThrows(ModelFormatException.class, () -> OnnxImporter.load(bytes, dir));
        assertTrue(e.getMessage().contains("'w'") || e.getMessage().contains("'s'"), e.getMessage());
        long grew = Tensor.allocatedBytes() - before;
        assertTrue(grew < 100L << 20, kind + ": allocated " + grew + " bytes before refusing: " + e.getMessage());
    }
}
