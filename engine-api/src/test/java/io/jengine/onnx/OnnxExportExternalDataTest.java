package io.jengine.onnx;

import static io.jengine.onnx.OnnxExportAssertions.assertModelsEqual;
import static io.jengine.onnx.OnnxExportModels.DTYPES;
import static io.jengine.onnx.OnnxExportModels.body;
import static io.jengine.onnx.OnnxExportModels.graph;
import static io.jengine.onnx.OnnxExportModels.model;
import static io.jengine.onnx.OnnxExportModels.tensor;
import static io.jengine.onnx.OnnxExportModels.value;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jengine.errors.ModelFormatException;
import io.jengine.ir.Attribute;
import io.jengine.ir.Graph;
import io.jengine.ir.Model;
import io.jengine.ir.Node;
import io.jengine.onnx.OnnxExporter.ExternalData;
import io.jengine.onnx.proto.OnnxProto.ModelProto;
import io.jengine.onnx.proto.OnnxProto.StringStringEntryProto;
import io.jengine.onnx.proto.OnnxProto.TensorProto;
import io.jengine.tensor.DType;
import io.jengine.tensor.Tensor;
import java.io.IOException;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Initializers written as ONNX external data: a container stores the bytes itself at 64-byte aligned offsets of one
 * file, and the importer, given the file's directory, reads the same model back.
 */
class OnnxExportExternalDataTest {
    private static final long ALIGN = 64;

    @TempDir
    Path tmp;

    /** Every dtype, sub-graph initializers too; strings stay inline since external data is raw bytes only. */
    private static Model plan() {
        Graph.Builder g = graph("external")
                .addInput(value("cond", DType.BOOL))
                .addInput(value("x", DType.FLOAT32, "n"))
                .addOutput(value("y", DType.FLOAT32, "n"))
                .addNode(Node.builder("If").name("branch").inputs("cond").outputs("y")
                        .attr(Attribute.of("then_branch", body("then", "x")))
                        .attr(Attribute.of("else_branch", body("else", "x"))).build());
        for (DType d : DTYPES) g.initializer("w_" + d.label(), tensor(d, d.ordinal(), 3, 5)); // 15 elements: unaligned sizes
        g.initializer("empty", Tensor.allocate(DType.FLOAT32, 0, 4));
        g.initializer("scalar", tensor(DType.INT64, 7));
        return model(g.build());
    }

    /**
     * Writes every placeable initializer (main graph and sub-graphs) into {@code file} after a header, each at the
     * next 64-byte boundary, and returns where each went.
     */
    private static Map<String, ExternalData> store(Model m, Path file, String location) throws IOException {
        assertEquals(ByteOrder.LITTLE_ENDIAN, ByteOrder.nativeOrder(), "this test copies tensor memory as ONNX bytes");
        Map<String, Tensor> all = new LinkedHashMap<>(m.graph().initializers());
        Graph branch = m.graph().nodes().getFirst().attrGraph("then_branch");
        all.putAll(branch.initializers());
        Map<String, ExternalData> placed = new LinkedHashMap<>();
        Files.createDirectories(file.getParent());
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ch.write(ByteBuffer.wrap("JENGINE-PLAN header that is not a multiple of 64".getBytes()));
            long at = ch.position();
            for (Map.Entry<String, Tensor> e : all.entrySet()) {
                Tensor t = e.getValue();
                if (t.dtype() == DType.STRING) continue;
                at = (at + ALIGN - 1) / ALIGN * ALIGN;
                byte[] bytes = t.data().toArray(ValueLayout.JAVA_BYTE);
                ch.write(ByteBuffer.wrap(bytes), at);
                placed.put(e.getKey(), new ExternalData(location, at, bytes.length));
                at += bytes.length;
            }
            ch.write(ByteBuffer.wrap(new byte[] {(byte) 0xEE}), at + 3); // trailing bytes a tensor must not read
        }
        return placed;
    }

    @Test
    void alignedExternalInitializersReadBackEqual() throws IOException {
        Model m = plan();
        Map<String, ExternalData> placed = store(m, tmp.resolve("plan.bin"), "plan.bin");
        ModelProto p = OnnxExporter.toProto(m, placed::get);

        int external = 0;
        List<TensorProto> inits = new java.util.ArrayList<>(p.getGraph().getInitializerList());
        inits.addAll(p.getGraph().getNode(0).getAttribute(0).getG().getInitializerList());
        for (TensorProto t : inits) {
            ExternalData want = placed.get(t.getName());
            if (want == null) {
                assertTrue(t.hasRawData() || t.getStringDataCount() > 0, t.getName() + " stays inline");
                assertFalse(t.getDataLocation() == TensorProto.DataLocation.EXTERNAL, t.getName());
                continue;
            }
            external++;
            assertEquals(TensorProto.DataLocation.EXTERNAL, t.getDataLocation(), t.getName());
            assertFalse(t.hasRawData(), t.getName() + " has no inline bytes");
            assertEquals(List.of(entry("location", "plan.bin"), entry("offset", Long.toString(want.offset())),
                    entry("length", Long.toString(want.length()))), t.getExternalDataList(), t.getName());
            assertEquals(0, want.offset() % ALIGN, t.getName());
        }
        assertEquals(placed.size(), external, "every placed initializer, sub-graph ones included, is external");
        assertEquals(DTYPES.size() - 1 + 2 + 1, external);

        assertModelsEqual(m, OnnxImporter.load(p.toByteArray(), tmp));
        // Without a directory the reader cannot find the bytes: they really are not in the proto.
        assertThrows(ModelFormatException.class, () -> OnnxImporter.load(p.toByteArray(), null));
    }

    @Test
    void locationInASubfolderAndModelLoadedByPath() throws IOException {
        Model m = plan();
        Map<String, ExternalData> placed = store(m, tmp.resolve("data/weights.bin"), "data/weights.bin");
        Path file = Files.write(tmp.resolve("model.onnx"), OnnxExporter.toProto(m, placed::get).toByteArray());
        assertModelsEqual(m, OnnxImporter.load(file));
    }

    @Test
    void stringInitializersCannotBeExternal() {
        Model m = plan();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> OnnxExporter.toProto(m, name -> name.equals("w_string") ? new ExternalData("plan.bin", 0, 0) : null));
        assertTrue(e.getMessage().contains("'w_string'") && e.getMessage().contains("string"), e.getMessage());
    }

    @Test
    void aPlacementOfTheWrongLengthIsRefused() {
        Model m = plan();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> OnnxExporter.toProto(m,
                name -> name.equals("w_int16") ? new ExternalData("plan.bin", 64, 31) : null));
        assertTrue(e.getMessage().contains("'w_int16'") && e.getMessage().contains("30 bytes")
                && e.getMessage().contains("31"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new ExternalData("plan.bin", -1, 4));
        assertThrows(IllegalArgumentException.class, () -> new ExternalData("", 0, 4));
    }

    private static StringStringEntryProto entry(String k, String v) {
        return StringStringEntryProto.newBuilder().setKey(k).setValue(v).build();
    }
}
