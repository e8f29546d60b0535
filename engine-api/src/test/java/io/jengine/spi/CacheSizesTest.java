package io.jengine.spi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Cache sizes read from a sysfs-shaped directory: data and unified levels, defaults for what is missing. */
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
        Files.writeString(dir.resolve("uevent"), "");
        CacheSizes c = CacheSizes.read(dir);
        assertEquals(new CacheSizes(48 << 10, 2 << 20, 105L << 20, dir + " (L1d L2 L3)"), c);
        assertEquals(Optional.of(c), CacheSizes.fromSysfs(dir));
    }

    @Test
    void missingLevelsKeepTheirDefaultsAndTheSourceSaysSo(@TempDir Path dir) throws IOException {
        index(dir, 0, 1, "Data", "32K");
        Files.writeString(Files.createDirectories(dir.resolve("index2")).resolve("level"), "2\n"); // no type or size
        index(dir, 3, 3, "Unified", "lots");
        CacheSizes partial = CacheSizes.read(dir);
        assertEquals(32 << 10, partial.l1d());
        assertEquals(CacheSizes.DEFAULT_L2, partial.l2());
        assertEquals(CacheSizes.DEFAULT_L3, partial.l3());
        assertTrue(partial.source().endsWith("(L1d; others defaulted)"), partial.source());
    }

    @Test
    void aHiddenOrEmptyDirectoryIsNoAnswerAndReadsAsDefaults(@TempDir Path dir) throws IOException {
        assertEquals(Optional.empty(), CacheSizes.fromSysfs(dir.resolve("absent")));
        CacheSizes none = CacheSizes.read(dir.resolve("absent"));
        assertEquals(CacheSizes.DEFAULT_L3, none.l3());
        assertTrue(none.source().startsWith("defaults"), none.source());
        index(dir, 0, 1, "Instruction", "32K");
        assertEquals(Optional.empty(), CacheSizes.fromSysfs(dir));
    }

    @Test
    void sizesParseWithUnits() {
        assertEquals(1024, CacheSizes.parseSize("1K"));
        assertEquals(1L << 20, CacheSizes.parseSize("1024K"));
        assertEquals(3L << 20, CacheSizes.parseSize("3M"));
        assertEquals(1L << 30, CacheSizes.parseSize("1G"));
        assertEquals(4096, CacheSizes.parseSize("4096"));
        assertThrows(IllegalArgumentException.class, () -> CacheSizes.parseSize("lots"));
        assertThrows(IllegalArgumentException.class, () -> CacheSizes.parseSize(""));
        assertThrows(IllegalArgumentException.class, () -> CacheSizes.parseSize("K"));
        assertThrows(IllegalArgumentException.class, () -> new CacheSizes(0, 1, 1, "x"));
    }
}
