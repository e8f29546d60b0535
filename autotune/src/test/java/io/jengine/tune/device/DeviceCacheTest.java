package io.jengine.tune.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The JSON cache of descriptions, in a temporary directory. */
class DeviceCacheTest {
    @TempDir
    Path tmp;

    static DeviceDescription sample(String identity) {
        return new DeviceDescription(Fingerprint.of(identity), identity, "Test CPU", 4, 8, 32L << 10, 1L << 20,
                32L << 20, "/sys/devices/system/cpu/cpu0/cache", 95.5, 380.25, 150.0, 70.0, 35.5, 12.125,
                List.of("dnnl 3.8.1"));
    }

    @Test
    void aStoredDescriptionLoadsBackEqual() throws IOException {
        DeviceCache cache = new DeviceCache(tmp.resolve("jengine/device"));
        DeviceDescription d = sample("test cpu; 4 cores");
        assertEquals(Optional.empty(), cache.load(d.fingerprint()));
        cache.store(d);
        assertEquals(tmp.resolve("jengine/device/" + d.fingerprint() + ".json"), cache.file(d.fingerprint()));
        assertEquals(Optional.of(d), cache.load(d.fingerprint()));
        cache.store(d);
        try (var files = Files.list(tmp.resolve("jengine/device"))) {
            assertEquals(List.of(cache.file(d.fingerprint())), files.toList(), "no temporary file is left behind");
        }
    }

    @Test
    void damagedOrForeignFilesAreAbsent() throws IOException {
        DeviceCache cache = new DeviceCache(tmp);
        DeviceDescription d = sample("test cpu; 4 cores");
        String f = d.fingerprint();
        cache.store(d);
        String json = Files.readString(cache.file(f));

        Files.writeString(cache.file(f), json.substring(0, json.length() / 2));
        assertEquals(Optional.empty(), cache.load(f), "truncated");
        Files.writeString(cache.file(f), json.replace("\"dramGBps\"", "\"dramGBpsOld\""));
        assertEquals(Optional.empty(), cache.load(f), "a field missing");
        Files.writeString(cache.file(f), json.replace("12.125", "-1"));
        assertEquals(Optional.empty(), cache.load(f), "a negative bandwidth");
        Files.writeString(cache.file(f), json.replace("95.5", "1.25"));
        assertEquals(Optional.empty(), cache.load(f), "a peak only uncompiled code gives");
        Files.writeString(cache.file(f), json.replace("test cpu; 4 cores", "test cpu; 8 cores"));
        assertEquals(Optional.empty(), cache.load(f), "an identity that does not hash to the name");
        Files.delete(cache.file(f));
        Files.createDirectory(cache.file(f));
        assertEquals(Optional.empty(), cache.load(f), "not a file");

        DeviceDescription other = sample("another cpu");
        cache.store(other);
        Files.copy(cache.file(other.fingerprint()), tmp.resolve("copy.json"));
        Files.delete(cache.file(f));
        Files.move(tmp.resolve("copy.json"), cache.file(f));
        assertEquals(Optional.empty(), cache.load(f), "another device's description under this name");
        assertTrue(cache.load(other.fingerprint()).isPresent());
    }

    @Test
    void anUnwritableDirectoryFailsToStore() throws IOException {
        Files.writeString(tmp.resolve("file"), "");
        DeviceCache cache = new DeviceCache(tmp.resolve("file/device"));
        assertThrows(IOException.class, () -> cache.store(sample("x")));
        assertEquals(Optional.empty(), cache.load(Fingerprint.of("x")));
    }
}
