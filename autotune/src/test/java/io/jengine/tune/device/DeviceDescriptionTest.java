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
import java.util.ArrayDeque;
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

    /** The sample with other peaks: per core, all cores, and the read bandwidths of L1, L2, L3 and DRAM. */
    private static DeviceDescription withPeaks(double perCore, double all, double l1, double l2, double l3, double dram) {
        DeviceDescription d = DeviceCacheTest.sample("x");
        return new DeviceDescription(d.fingerprint(), d.identity(), d.cpuModel(), d.cores(), d.floatLanes(),
                d.l1dBytes(), d.l2Bytes(), d.l3Bytes(), d.cacheSource(), perCore, all, l1, l2, l3, dram, d.libraries());
    }

    @Test
    void numbersOnlyUncompiledCodeGivesAreImplausible() {
        assertEquals(Optional.empty(), DeviceCacheTest.sample("x").implausibility());
        // The description a busy machine once cached: the probes of one core and of L1 and L2 ran before C2 had
        // compiled them (8 lanes here: the floor is 4 GFLOP/s and 8 GB/s).
        assertTrue(withPeaks(1.22, 261, 150, 70, 35.5, 12).implausibility().orElseThrow().contains("one core's FP32 peak"));
        assertTrue(withPeaks(20, 261, 150, 70, 35.5, 12).implausibility().orElseThrow().contains("share of all 4 cores"));
        assertTrue(withPeaks(95, 380, 0.88, 0.73, 35.5, 12).implausibility().orElseThrow().startsWith("the L1 read"));
        assertTrue(withPeaks(95, 380, 150, 0.73, 35.5, 12).implausibility().orElseThrow()
                .contains("L2 read bandwidth 0.730 GB/s is below L3's"));
        assertTrue(withPeaks(95, 380, 150, 70, 35.5, 89).implausibility().orElseThrow().contains("below DRAM's"));
        // Within the tolerance of noise: a level measured a little slower than the next is no disturbance.
        assertEquals(Optional.empty(), withPeaks(95, 380, 60, 70, 35.5, 30).implausibility());
    }

    @Test
    void aDisturbedMeasurementIsTakenAgainAndCachedOnlyOncePlausible() {
        String identity = DeviceCacheTest.sample("x").identity();
        DeviceDescription disturbed = withPeaks(1.22, 261, 0.88, 0.73, 89.8, 45);
        ArrayDeque<DeviceDescription> probes = new ArrayDeque<>(List.of(disturbed, withPeaks(95, 250, 150, 70, 35.5, 12)));
        ByteArrayOutputStream progress = new ByteArrayOutputStream();
        DeviceCache cache = new DeviceCache(tmp.resolve("a"));
        DeviceDescription d = DeviceDescription.measure(identity, List.of(), new PrintStream(progress, true), cache,
                probes::removeFirst);
        assertEquals(withPeaks(95, 261, 150, 70, 89.8, 45), d, "the best of each number over both attempts");
        assertEquals(Optional.empty(), d.implausibility());
        String said = progress.toString(StandardCharsets.UTF_8);
        assertTrue(said.contains("the measurement was disturbed (one core's FP32 peak 1.22 GFLOP/s"), said);
        assertEquals(Optional.of(d), cache.load(d.fingerprint()), "cached once plausible");

        probes.addAll(List.of(disturbed, disturbed, disturbed, disturbed));
        progress.reset();
        DeviceCache other = new DeviceCache(tmp.resolve("b"));
        DeviceDescription kept = DeviceDescription.measure(identity, List.of(), new PrintStream(progress, true), other,
                probes::removeFirst);
        assertEquals(disturbed, kept, "disturbed every time: the numbers are used, for this process only");
        said = progress.toString(StandardCharsets.UTF_8);
        assertTrue(said.contains("could not be measured undisturbed in 3 attempts"), said);
        assertEquals(1, probes.size(), "three attempts, no more");
        assertEquals(Optional.empty(), other.load(kept.fingerprint()), "not cached");
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
        assertEquals(Optional.empty(), d.implausibility(), "plausible: " + d);
        assertTrue(d.peakGflopsPerCore() >= d.floatLanes() * 0.5, "peak per core: " + d);
        assertTrue(d.peakGflops() >= d.peakGflopsPerCore(), "all cores at least one: " + d);
        assertTrue(d.l1GBps() >= d.dramGBps(), "L1 at least as fast as DRAM: " + d);
        assertTrue(d.dramGBps() > 0.5, "DRAM bandwidth: " + d);

        assertEquals(Optional.of(d), cache.load(fingerprint), "cached");
        progress.reset();
        assertEquals(d, DeviceDescription.loadOrMeasure(identity, libraries, new PrintStream(progress, true), cache));
        assertEquals("", progress.toString(StandardCharsets.UTF_8), "the cached description is not measured again");
    }
}
