package io.jengine.tune.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The sysfs cache reader, on directories laid out as Linux lays out /sys/devices/system/cpu/cpu0/cache. */
class DeviceSysfsCachesTest {
    @TempDir
    Path tmp;

    private void index(int i, String level, String type, String size) throws IOException {
        Path d = Files.createDirectories(tmp.resolve("index" + i));
        Files.writeString(d.resolve("level"), level + "\n");
        Files.writeString(d.resolve("type"), type + "\n");
        Files.writeString(d.resolve("size"), size + "\n");
    }

    @Test
    void readsEachDataLevelAndSkipsTheInstructionCache() throws IOException {
        index(0, "1", "Data", "32K");
        index(1, "1", "Instruction", "64K");
        index(2, "2", "Unified", "1024K");
        index(3, "3", "Unified", "32M");
        Files.writeString(tmp.resolve("uevent"), "");
        assertEquals(Optional.of(new CacheLevels(32L << 10, 1L << 20, 32L << 20, tmp.toString())), SysfsCaches.read(tmp));
    }

    @Test
    void aMissingLevelIsDefaultedAndTheSourceSaysSo() throws IOException {
        index(0, "1", "Data", "48K");
        index(1, "2", "Unified", "2048K");
        index(2, "3", "Unified", "lots");
        CacheLevels c = SysfsCaches.read(tmp).orElseThrow();
        assertEquals(48L << 10, c.l1d());
        assertEquals(2L << 20, c.l2());
        assertEquals(CacheLevels.DEFAULT_L3, c.l3());
        assertTrue(c.source().endsWith("(L1d L2; others defaulted)"), c.source());
    }

    @Test
    void aHiddenOrEmptyDirectoryIsNoAnswer() throws IOException {
        assertEquals(Optional.empty(), SysfsCaches.read(tmp.resolve("absent")));
        index(0, "1", "Instruction", "32K");
        assertEquals(Optional.empty(), SysfsCaches.read(tmp));
    }

    @Test
    void parsesSysfsSizes() {
        assertEquals(32L << 10, SysfsCaches.parseSize("32K"));
        assertEquals(1L << 20, SysfsCaches.parseSize("1024K"));
        assertEquals(32L << 20, SysfsCaches.parseSize("32M"));
        assertEquals(1L << 30, SysfsCaches.parseSize("1G"));
        assertEquals(12345, SysfsCaches.parseSize("12345"));
        assertThrows(IllegalArgumentException.class, () -> SysfsCaches.parseSize(""));
        assertThrows(IllegalArgumentException.class, () -> SysfsCaches.parseSize("K"));
    }
}
