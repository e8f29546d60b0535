package io.jengine.cpu.simd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reading cache sizes from a sysfs-like tree, the fallbacks, and the blocking derived from them. */
class CacheSizesTest {
    private static void index(Path dir, int i, int level, String type, String size) throws IOException {
        Path d = Files.createDirectories(dir.resolve("index" + i));
        Files.writeString(d.resolve("level"), level + "\n");
        Files.writeString(d.resolve("type"), type + "\n");
        Files.writeString(d.resolve("size"), size + "\n");
    }

    @Test
    void readsDataAndUnifiedCachesSkippingInstructionCaches(@TempDir Path dir) throws IOException {
        index(dir, 0, 1, "Data", "48K");
        index(dir, 1, 1, "Instruction", "32K");
        index(dir, 2, 2, "Unified", "2048K");
        index(dir, 3, 3, "Unified", "105M");
        CacheSizes c = CacheSizes.read(dir);
        assertEquals(48 << 10, c.l1d());
        assertEquals(2 << 20, c.l2());
        assertEquals(105L << 20, c.l3());
        assertTrue(c.source().contains("L1d L2 L3"), c.source());
    }

    @Test
    void missingLevelsAndDirectoriesFallBackToDefaults(@TempDir Path dir) throws IOException {
        index(dir, 0, 1, "Data", "32K");
        Files.writeString(Files.createDirectories(dir.resolve("index2")).resolve("level"), "2\n"); // no type or size
        CacheSizes partial = CacheSizes.read(dir);
        assertEquals(32 << 10, partial.l1d());
        assertEquals(CacheSizes.DEFAULT_L2, partial.l2());
        assertTrue(partial.source().contains("others defaulted"), partial.source());
        CacheSizes none = CacheSizes.read(dir.resolve("absent"));
        assertEquals(CacheSizes.DEFAULT_L3, none.l3());
        assertTrue(none.source().startsWith("defaults"), none.source());
    }

    @Test
    void sizesParseWithUnits() {
        assertEquals(1024, CacheSizes.parseSize("1K"));
        assertEquals(3L << 20, CacheSizes.parseSize("3M"));
        assertEquals(4096, CacheSizes.parseSize("4096"));
        assertThrows(IllegalArgumentException.class, () -> CacheSizes.parseSize("lots"));
        assertThrows(IllegalArgumentException.class, () -> new CacheSizes(0, 1, 1, "x"));
    }

    @Test
    void blockingFitsTheCaches() {
        Blocking b = Blocking.forCaches(new CacheSizes(32 << 10, 512 << 10, 32 << 20, "test"));
        assertEquals(MicroKernel.MR, b.mr());
        assertEquals(MicroKernel.NR, b.nr());
        assertTrue(4L * b.kc() * b.nr() <= 16 << 10, "B micro-panel within half of L1: " + b);
        assertTrue(4L * b.kc() * b.mc() <= 256 << 10, "A block within half of L2: " + b);
        assertEquals(0, b.mc() % b.mr());
        assertEquals(0, b.nc() % b.nr());
        assertEquals(192, new Blocking(MicroKernel.MR, MicroKernel.NR, 256, 252, 4096).depthBlock(576));
        assertEquals(132, new Blocking(MicroKernel.MR, MicroKernel.NR, 256, 252, 4096).rowBlock(258));
    }
}
