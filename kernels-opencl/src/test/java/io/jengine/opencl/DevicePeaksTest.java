package io.jengine.opencl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jengine.spi.DeviceHardware;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The device's measured figures: plausible, kept on disk, and measured again when the file is unreadable. */
class DevicePeaksTest {
    @Test
    void theFiguresArePlausibleAndCached() throws Exception {
        OpenClDevice device = (OpenClDevice) OpenClTestDevice.backends().ordered().getFirst().device();
        DeviceHardware h = DevicePeaks.measure(device);
        // any device the engine runs on does a GFLOP/s and moves a GB/s; a launch takes under a second
        assertTrue(h.peakGflops() > 1 && h.peakGflops() < 1e6, h.toString());
        assertTrue(h.memoryGBps() > 0.5 && h.memoryGBps() < 1e5, h.toString());
        assertTrue(h.launchSeconds() > 0 && h.launchSeconds() < 1, h.toString());
        assertTrue(h.barrierSeconds() >= 0 && h.barrierSeconds() < 1e-3, h.toString());
        // a copy of a few bytes takes more than nothing and less than a second; the link moves 0.1 GB/s at the least
        assertTrue(h.linkSeconds() > 0 && h.linkSeconds() < 1, h.toString());
        assertTrue(h.linkGBps() > 0.1 && h.linkGBps() < 1e4, h.toString());
        assertTrue(h.simdWidth() >= 1 && h.simdWidth() <= h.maxWorkGroupSize(), h.toString());
        assertEquals(device.info().computeUnits(), h.computeUnits());

        Path file = DevicePeaks.file(device);
        Files.deleteIfExists(file);
        DeviceHardware first = DevicePeaks.of(device);
        assertTrue(Files.isRegularFile(file), "kept in " + file);
        assertEquals(first, DevicePeaks.of(device), "read back as measured");
        Files.writeString(file, "peakGflops=not a number\n");
        DeviceHardware again = DevicePeaks.of(device);
        assertTrue(again.peakGflops() > 1, "an unreadable file is measured again: " + again);
    }
}
