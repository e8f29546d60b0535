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
import io.jengine.plan.PlanFile;
import io.jengine.plan.PlanFormatException;
import io.jengine.plan.proto.PlanProto.PlanHeader;
import io.jengine.tensor.Tensor;
import io.jengine.verify.PeakResidentMemory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.zip.CRC32C;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Models of a few bytes that declare huge tensors, one per way a size is stated (raw data, typed data, external data,
 * a sparse tensor's dense shape), and plans whose stated section sizes exceed the file: each is refused with a clear error before anything is allocated for it (the engine's
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

    /** A plan of {@code header} and {@code body} bytes with a consistent length and checksum, as a tamperer makes it. */
    static byte[] plan(int headerLength, byte[] header, long statedLength, int bodyBytes) {
        int total = 24 + header.length + bodyBytes + 8;
        ByteBuffer b = ByteBuffer.allocate(total).order(ByteOrder.LITTLE_ENDIAN);
        b.put(PlanFile.MAGIC).putInt(PlanFile.FORMAT_VERSION).putInt(headerLength)
                .putLong(statedLength < 0 ? total : statedLength).put(header);
        CRC32C crc = new CRC32C();
        crc.update(b.array(), 0, total - 8);
        b.putLong(total - 8, crc.getValue());
        return b.array();
    }

    @ParameterizedTest
    @ValueSource(strings = {"header-length", "graph-length", "file-length"})
    void aPlansSectionSizesAreCheckedAgainstTheFileBeforeReading(String kind) throws Exception {
        byte[] header = PlanHeader.newBuilder().setGraphOffset(64).setGraphLength(1L << 40).build().toByteArray();
        byte[] bytes = switch (kind) {
            case "header-length" -> plan(Integer.MAX_VALUE, header, -1, 64);
            case "graph-length" -> plan(header.length, header, -1, 64);
            case "file-length" -> plan(header.length, header, 1L << 40, 64);
            default -> throw new IllegalArgumentException(kind);
        };
        Path file = dir.resolve(kind + ".plan");
        Files.write(file, bytes);
        long before = Tensor.allocatedBytes();
        PeakResidentMemory peak = PeakResidentMemory.supported() ? PeakResidentMemory.mark() : null;
        var e = assertThrows(PlanFormatException.class, () -> PlanFile.read(file));
        if (peak != null) {
            System.out.printf("bomb %s: refused, peak resident size +%d KiB%n", kind, peak.grownBytes() >> 10);
            assertTrue(peak.grownBytes() < 100L << 20, kind + ": peak resident size grew " + peak.grownBytes());
        }
        assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
        assertTrue(Tensor.allocatedBytes() - before < 100L << 20, kind);
    }

    @ParameterizedTest
    @ValueSource(strings = {"raw", "typed", "external", "external-offset", "sparse", "strings"})
    void aSmallFileCannotMakeTheEngineAllocateWhatItDeclares(String kind) throws Exception {
        byte[] bytes = model(kind).toByteArray();
        assertTrue(bytes.length < 200, kind + ": " + bytes.length + " bytes");
        long before = Tensor.allocatedBytes();
        PeakResidentMemory peak = PeakResidentMemory.supported() ? PeakResidentMemory.mark() : null;
        var e = assertThrows(ModelFormatException.class, () -> OnnxImporter.load(bytes, dir));
        if (peak != null) {
            System.out.printf("bomb %s: refused, peak resident size +%d KiB%n", kind, peak.grownBytes() >> 10);
            assertTrue(peak.grownBytes() < 100L << 20, kind + ": peak resident size grew " + peak.grownBytes());
        }
        assertTrue(e.getMessage().contains("'w'") || e.getMessage().contains("'s'"), e.getMessage());
        long grew = Tensor.allocatedBytes() - before;
        assertTrue(grew < 100L << 20, kind + ": allocated " + grew + " bytes before refusing: " + e.getMessage());
    }
}
