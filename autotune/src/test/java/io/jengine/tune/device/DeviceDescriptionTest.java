package io.jengine.tune.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import jdk.incubator.vector.FloatVector;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The description: level lookup, validation, and one real measurement of this machine, cached in a temporary directory. */
class DeviceDescriptionTest {
    @TempDir
    Path tmp;

    @Test
    void bandwidthIsThatOfTheSmallestLevelTheWorkingSetFitsIn() {
        DeviceDescription d = DeviceCacheTest.sample("x");
        assertEquals(150.0, d.bandwidthFor(0));
        assertEquals(150.0, d.bandwidthFor(32L << 10));
        assertEquals(70.0, d.bandwidthFor((32L << 10) + 1));
        assertEquals(70.0, d.bandwidthFor(1L << 20));
        assertEquals(35.5, d.bandwidthFor((1L << 20) + 1));
        assertEquals(35.5, d.bandwidthFor(32L << 20));
        assertEquals(12.125, d.bandwidthFor((32L << 20) + 1));
        assertEquals(12.125, d.bandwidthFor(Long.MAX_VALUE));
    }

    @Test
    void numbersAModelDividesByMustBePositive() {
        DeviceDescription d = DeviceCacheTest.sample("x");
        assertThrows(IllegalArgumentException.class, () -> new DeviceDescription(d.fingerprint(), d.identity(), d.cpuModel(),
                0, 8, 1, 2, 3, "s", 1, 1, 1, 1, 1, 1, List.of()));
        assertThrows(IllegalArgumentException.class, () -> new DeviceDescription(d.fingerprint(), d.identity(), d.cpuModel(),
                1, 8, 1, 2, 3, "s", 1, 1, 1, 1, 1, Double.NaN, List.of()));
        assertThrows(IllegalArgumentException.class, () -> new DeviceDescription(d.fingerprint(), d.identity(), d.cpuModel(),
                1, 8, 1, 0, 3, "s", 1, 1, 1, 1, 1, 1, List.of()));
        assertThrows(NullPointerException.class, () -> new DeviceDescription(d.fingerprint(), d.identity(), d.cpuModel(),
                1, 8, 1, 2, 3, null, 1, 1, 1, 1, 1, 1, List.of()));
    }

    @Test
    void measuresThisMachinePlausiblyOnceAndThenLoadsItsCache() throws IOException {
        DeviceCache cache = new DeviceCache(tmp.resolve("device"));
        List<String> libraries = List.of("testlib 1.0");
        String identity = DeviceDescription.hostIdentity(libraries);
        String fingerprint = Fingerprint.of(identity);
        Files.createDirectories(tmp.resolve("device"));
        Files.writeString(cache.file(fingerprint), "{\"fingerprint\": \"" + fingerprint + "\", \"cores\": ");

        ByteArrayOutputStream progress = new ByteArrayOutputStream();
        long t0 = System.nanoTime();
        DeviceDescription d = DeviceDescription.loadOrMeasure(identity, libraries, new PrintStream(progress, true), cache);
        double seconds = (System.nanoTime() - t0) / 1e9;
        System.out.printf("measured in %.2f s: %s%n", seconds, d);
        String said = progress.toString(StandardCharsets.UTF_8);
        assertTrue(said.startsWith("measuring this device") && said.lines().count() == 1,
                "a damaged cache is measured again, announced in one line: " + said);

        assertEquals(fingerprint, d.fingerprint());
        assertEquals(identity, d.identity());
        assertTrue(identity.contains(d.cpuModel()) && identity.contains("testlib 1.0")
                && identity.endsWith("java " + Runtime.version().feature()), identity);
        assertEquals(Runtime.getRuntime().availableProcessors(), d.cores());
        assertEquals(FloatVector.SPECIES_PREFERRED.length(), d.floatLanes());
        assertEquals(libraries, d.libraries());
        assertTrue(d.l1dBytes() < d.l2Bytes() && d.l2Bytes() < d.l3Bytes(), "caches ascending: " + d);
        assertTrue(d.peakGflopsPerCore() > 1, "peak per core: " + d);
        assertTrue(d.peakGflops() >= d.peakGflopsPerCore(), "all cores at least one: " + d);
        assertTrue(d.l1GBps() >= d.dramGBps(), "L1 at least as fast as DRAM: " + d);
        assertTrue(d.dramGBps() > 0.5, "DRAM bandwidth: " + d);

        assertEquals(Optional.of(d), cache.load(fingerprint), "cached");
        progress.reset();
        assertEquals(d, DeviceDescription.loadOrMeasure(identity, libraries, new PrintStream(progress, true), cache));
        assertEquals("", progress.toString(StandardCharsets.UTF_8), "the cached description is not measured again");
    }
}
