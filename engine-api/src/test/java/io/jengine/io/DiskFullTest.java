package io.jengine.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.common.jimfs.Configuration;
import com.google.common.jimfs.Jimfs;
import io.jengine.errors.EngineException;
import io.jengine.ir.Graph;
import io.jengine.ir.Model;
import io.jengine.ir.Node;
import io.jengine.ir.ValueInfo;
import io.jengine.plan.LoadedPlan;
import io.jengine.plan.PlanFile;
import io.jengine.plan.proto.PlanProto.PlanHeader;
import io.jengine.tensor.DType;
import io.jengine.tensor.Tensor;
import io.jengine.tensor.ValueType;
import java.io.IOException;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Writing a plan or a cache onto a disk that fills up midway (an in-memory file system with a size limit): the write
 * fails with an error naming the file, the file that was there is untouched, no temporary file is left behind, and
 * the next write, once there is room, succeeds.
 */
class DiskFullTest {
    static final int MIB = 1 << 20;

    static FileSystem disk(long bytes) {
        return Jimfs.newFileSystem(Configuration.unix().toBuilder().setMaxSize(bytes).setBlockSize(4096).build());
    }

    /** A model with one float initializer of {@code floats} elements (y = x + w). */
    static Model model(int floats, float value) {
        float[] w = new float[floats];
        java.util.Arrays.fill(w, value);
        Graph g = Graph.builder("g").opset("", 17)
                .addNode(Node.builder("Add").name("add").inputs("x", "w").outputs("y").build())
                .initializer("w", Tensor.ofFloats(new long[] {floats}, w))
                .addInput(new ValueInfo("x", ValueType.tensor(DType.FLOAT32, floats)))
                .addOutput(new ValueInfo("y", ValueType.tensor(DType.FLOAT32, floats))).build();
        return new Model(8, "t", "", g, Map.of());
    }

    static List<String> names(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void aCacheWrittenOntoAFullDiskLeavesTheOldOne() throws Exception {
        try (FileSystem fs = disk(2 * MIB)) {
            Path dir = Files.createDirectories(fs.getPath("/caches"));
            Path cache = dir.resolve("timing.cache");
            byte[] old = "old cache".getBytes();
            AtomicFile.replace(cache, old);
            Path filler = Files.write(dir.resolve("filler"), new byte[MIB]);
            byte[] big = new byte[3 * MIB / 2];
            java.util.Arrays.fill(big, (byte) 7);
            IOException e = assertThrows(IOException.class, () -> AtomicFile.replace(cache, big));
            assertTrue(e.getMessage() != null && e.getMessage().contains("space"), String.valueOf(e.getMessage()));
            assertArrayEquals(old, Files.readAllBytes(cache));
            assertEquals(List.of("filler", "timing.cache"), names(dir));
            Files.delete(filler);
            AtomicFile.replace(cache, big);
            assertArrayEquals(big, Files.readAllBytes(cache));
            assertEquals(List.of("timing.cache"), names(dir));
        }
    }

    @Test
    void aPlanWrittenOntoAFullDiskLeavesTheOldPlan(@TempDir Path real) throws Exception {
        try (FileSystem fs = disk(3 * MIB)) {
            Path dir = Files.createDirectories(fs.getPath("/plans"));
            Path plan = dir.resolve("model.plan");
            PlanFile.write(plan, PlanHeader.getDefaultInstance(), model(1024, 1f)); // 4 KiB of weights
            byte[] old = Files.readAllBytes(plan);
            Path filler = Files.write(dir.resolve("filler"), new byte[MIB]);
            var e = assertThrows(EngineException.class,
                    () -> PlanFile.write(plan, PlanHeader.getDefaultInstance(), model(512 * 1024, 2f))); // 2 MiB
            assertTrue(e.getMessage().startsWith("cannot write plan /plans/model.plan: "), e.getMessage());
            assertArrayEquals(old, Files.readAllBytes(plan));
            assertEquals(List.of("filler", "model.plan"), names(dir));

            Files.delete(filler);
            PlanFile.write(plan, PlanHeader.getDefaultInstance(), model(512 * 1024, 2f));
            assertEquals(List.of("model.plan"), names(dir));
            // The plan reader maps files, which this file system cannot: read the new plan back from a real disk.
            Path copy = Files.write(real.resolve("model.plan"), Files.readAllBytes(plan));
            LoadedPlan loaded = PlanFile.read(copy);
            Tensor w = loaded.model().graph().initializers().get("w");
            assertEquals(512 * 1024, w.size());
            assertEquals(2f, w.getFloat(w.size() - 1));
        }
    }
}
