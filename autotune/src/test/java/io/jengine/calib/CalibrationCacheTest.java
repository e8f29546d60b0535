package io.jengine.calib;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CalibrationCacheTest {
    @TempDir
    Path dir;

    @Test
    void readsACacheAsTensorRtWritesIt() throws IOException {
        Path file = Files.writeString(dir.resolve("calib.cache"), """
                TRT-8601-EntropyCalibration2
                input: 3c010a14
                conv1/Relu:0: 3d4ccccd
                (Unnamed Layer* 3) [Convolution]_output: 3e800000
                """);
        CalibrationCache cache = CalibrationCache.read(file);
        assertEquals("EntropyCalibration2", cache.algorithm());
        assertEquals(List.of("input", "conv1/Relu:0", "(Unnamed Layer* 3) [Convolution]_output"),
                List.copyOf(cache.scales().keySet()), "names, colons and all, in file order");
        assertEquals(Float.intBitsToFloat(0x3c010a14), cache.scales().get("input"));
        assertEquals(0.0078759f, cache.scales().get("input"), 1e-7f);
        assertEquals(0.05f, cache.scales().get("conv1/Relu:0"));
        assertEquals(0.25f, cache.scales().get("(Unnamed Layer* 3) [Convolution]_output"));
        assertEquals(0.25 * 127, cache.amax("(Unnamed Layer* 3) [Convolution]_output"));
        assertEquals(0.05f * 127.0, cache.amax("conv1/Relu:0"));
    }

    @Test
    void readsAnyVersionShortHexUpperCaseAndCrlf() throws IOException {
        // Scales below 2.5e-29 have fewer than 8 hex digits when printed without padding, as %x does.
        Path file = Files.writeString(dir.resolve("old.cache"), "TRT-7103-EntropyCalibration\r\na: 3F800000\r\nb: 1\r\n");
        CalibrationCache cache = CalibrationCache.read(file);
        assertEquals("EntropyCalibration", cache.algorithm());
        assertEquals(1f, cache.scales().get("a"));
        assertEquals(Float.MIN_VALUE, cache.scales().get("b"));
    }

    @Test
    void aWrittenCacheReadsBackIdentically() throws IOException {
        Random r = new Random(17);
        LinkedHashMap<String, Float> scales = new LinkedHashMap<>();
        for (int i = 0; i < 200; i++) {
            // Names in no sorted order, with the characters ONNX names carry; scales of every magnitude.
            String name = switch (i % 4) {
                case 0 -> "/model/layer." + (199 - i) + "/conv/Conv_output_0";
                case 1 -> "t:" + i + ": odd";
                case 2 -> "ünïcode " + i;
                default -> "x" + Integer.toHexString(r.nextInt());
            };
            scales.put(name, (float) Math.scalb(r.nextDouble() + 0.5, r.nextInt(60) - 40));
        }
        scales.put("smallest", Float.MIN_VALUE);
        scales.put("largest", Float.MAX_VALUE);
        CalibrationCache written = new CalibrationCache("MseCalibration", scales);
        Path file = dir.resolve("sub/dir/model.calib");
        written.write(file);

        CalibrationCache read = CalibrationCache.read(file);
        assertEquals("MseCalibration", read.algorithm());
        assertEquals(List.copyOf(scales.keySet()), List.copyOf(read.scales().keySet()));
        for (Map.Entry<String, Float> e : scales.entrySet()) {
            assertEquals(Float.floatToRawIntBits(e.getValue()), Float.floatToRawIntBits(read.scales().get(e.getKey())),
                    e.getKey());
        }
        assertEquals(written, read);
        List<String> lines = Files.readAllLines(file);
        assertEquals("TRT-8601-MseCalibration", lines.getFirst());
        assertTrue(lines.get(1).matches(".*: [0-9a-f]{8}"), lines.get(1));
        assertEquals("smallest: 00000001", lines.get(lines.size() - 2));
    }

    @Test
    void writingLeavesNoTemporaryFileAndReplacesTheOldCache() throws IOException {
        Path file = dir.resolve("calib.cache");
        Files.writeString(file, "old content");
        CalibrationCache.fromThresholds("MinMaxCalibration", Map.of("input", 12.7)).write(file);
        assertEquals("TRT-8601-MinMaxCalibration\ninput: 3dcccccd\n", Files.readString(file));
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of(file), files.toList());
        }
    }

    @Test
    void fromThresholdsStoresAmaxOver127InGivenOrder() {
        LinkedHashMap<String, Double> amax = new LinkedHashMap<>();
        amax.put("z", 127.0);
        amax.put("a", 6.35);
        amax.put("dead_relu", 0.0);
        CalibrationCache cache = CalibrationCache.fromThresholds("EntropyCalibration2", amax);
        assertEquals(List.of("z", "a", "dead_relu"), new ArrayList<>(cache.scales().keySet()));
        assertEquals(1f, cache.scales().get("z"));
        assertEquals((float) (6.35 / 127), cache.scales().get("a"));
        assertEquals(6.35, cache.amax("a"), 1e-6);
        assertEquals(Float.MIN_NORMAL, cache.scales().get("dead_relu"), "a zero scale would be unreadable");
        assertThrows(IllegalArgumentException.class, () -> cache.amax("missing"));
    }

    @Test
    void fromThresholdsRejectsWhatIsNoThreshold() {
        for (double bad : new double[] {-1, Double.NaN, Double.POSITIVE_INFINITY}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> CalibrationCache.fromThresholds("MinMaxCalibration", Map.of("t", bad)));
            assertTrue(e.getMessage().contains("'t'"), e.getMessage());
        }
        assertThrows(IllegalArgumentException.class,
                () -> CalibrationCache.fromThresholds("TRT-8601-Entropy", Map.of("t", 1.0)), "not an algorithm name");
        assertThrows(IllegalArgumentException.class,
                () -> CalibrationCache.fromThresholds("MinMaxCalibration", Map.of("two\nlines", 1.0)));
    }

    @Test
    void aMissingFileSaysSo() {
        Path file = dir.resolve("nowhere.cache");
        NoSuchFileException e = assertThrows(NoSuchFileException.class, () -> CalibrationCache.read(file));
        assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
        assertTrue(e.getMessage().contains("calibration cache not found"), e.getMessage());
    }

    @Test
    void calibratedThresholdsGoThroughTheFile() throws IOException {
        float[] values = Samples.gaussian(12, 100_000);
        Calibrator calibrator = Calibrator.named("entropy", 99.99);
        double t = Samples.threshold(calibrator, values);
        Path file = dir.resolve("c.cache");
        CalibrationCache.fromThresholds(calibrator.cacheAlgorithm(), Map.of("act", t)).write(file);
        CalibrationCache read = CalibrationCache.read(file);
        assertEquals(calibrator.cacheAlgorithm(), read.algorithm());
        assertEquals(t, read.amax("act"), t * 1e-6, "float32 keeps the threshold to its precision");
    }
}
