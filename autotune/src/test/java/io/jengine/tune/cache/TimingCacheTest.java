package io.jengine.tune.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TimingCacheTest {
    private static final String DEVICE = "cpu-x86_64-avx512-16c";
    private static final String ENGINE = "0.1.0";

    @TempDir
    Path dir;
    private final List<String> warnings = new ArrayList<>();

    private TimingCache open(Path file) { return TimingCache.open(file, DEVICE, ENGINE, warnings::add); }

    @Test
    void timingsRoundTripThroughTheFileExactly() {
        Path file = dir.resolve("cache.json");
        TimingCache first = open(file);
        assertEquals(0, first.size());
        // Awkward doubles and awkward strings: both must come back bit for bit.
        first.put("Conv[1x64x56x56,k3]", "im2col", new Timing(0.1234567890123, 2.5, 20));
        first.put("Conv[1x64x56x56,k3]", "winograd", new Timing(1e-7, 0, 1));
        first.put("MatMul \"q\" \\ é\n[2]", "tiled/8x8", new Timing(12345.678, 100.25, 7));
        first.save();

        TimingCache second = open(file);
        assertEquals(List.of(), warnings);
        assertEquals(3, second.size());
        assertEquals(0, second.added());
        assertEquals(Optional.of(new Timing(0.1234567890123, 2.5, 20)), second.get("Conv[1x64x56x56,k3]", "im2col"));
        assertEquals(Optional.of(new Timing(1e-7, 0, 1)), second.get("Conv[1x64x56x56,k3]", "winograd"));
        assertEquals(Optional.of(new Timing(12345.678, 100.25, 7)), second.get("MatMul \"q\" \\ é\n[2]", "tiled/8x8"));
        assertEquals(Optional.empty(), second.get("Conv[1x64x56x56,k3]", "direct"));
    }

    @Test
    void aMissingFileIsAnEmptyCacheWithoutWarning() {
        TimingCache cache = open(dir.resolve("none-yet.json"));
        assertEquals(0, cache.size());
        assertEquals(List.of(), warnings);
        assertFalse(Files.exists(dir.resolve("none-yet.json")));
    }

    @Test
    void addedCountsPutsSinceOpenAndSizeCountsEveryUsableKeyOnce() {
        Path file = dir.resolve("cache.json");
        TimingCache first = open(file);
        first.put("a", "t1", new Timing(1, 0, 1));
        first.put("a", "t2", new Timing(2, 0, 1));
        first.put("a", "t2", new Timing(3, 0, 1));
        assertEquals(2, first.added());
        assertEquals(2, first.size());
        first.save();

        TimingCache second = open(file);
        second.put("a", "t2", new Timing(4, 0, 1)); // re-measured: replaces the loaded one
        second.put("b", "t1", new Timing(5, 0, 1));
        assertEquals(2, second.added());
        assertEquals(3, second.size());
        assertEquals(Optional.of(new Timing(4, 0, 1)), second.get("a", "t2"));
        second.save();
        assertEquals(Optional.of(new Timing(4, 0, 1)), open(file).get("a", "t2"));
    }

    @Test
    void theFileIsSortedWithOneEntryPerLineAndFieldsNamedAsDocumented() throws IOException {
        Path file = dir.resolve("cache.json");
        TimingCache cache = open(file);
        cache.put("b", "y", new Timing(1, 0, 1));
        cache.put("a", "z", new Timing(2, 0, 2));
        cache.put("b", "x", new Timing(3, 0, 3));
        cache.put("a", "a", new Timing(4, 0.5, 4));
        cache.save();

        List<String> lines = Files.readAllLines(file);
        List<String> entryLines = lines.stream().filter(l -> l.contains("\"signature\"")).toList();
        assertEquals(4, entryLines.size(), String.join("\n", lines));
        assertTrue(entryLines.get(0).contains("\"signature\": \"a\", \"tactic\": \"a\""), entryLines.get(0));
        assertTrue(entryLines.get(1).contains("\"signature\": \"a\", \"tactic\": \"z\""), entryLines.get(1));
        assertTrue(entryLines.get(2).contains("\"signature\": \"b\", \"tactic\": \"x\""), entryLines.get(2));
        assertTrue(entryLines.get(3).contains("\"signature\": \"b\", \"tactic\": \"y\""), entryLines.get(3));

        JsonNode root = new ObjectMapper().readTree(file.toFile());
        assertEquals("jengine-timing-cache", root.get("format").textValue());
        assertEquals(1, root.get("version").intValue());
        JsonNode first = root.get("entries").get(0);
        assertEquals(DEVICE, first.get("device").textValue());
        assertEquals(ENGINE, first.get("engine").textValue());
        assertEquals(4.0, first.get("median_ms").doubleValue());
        assertEquals(0.5, first.get("spread_percent").doubleValue());
        assertEquals(4, first.get("runs").intValue());

        // Same entries, same bytes: a second build that adds nothing leaves the file as it was.
        byte[] before = Files.readAllBytes(file);
        TimingCache again = open(file);
        again.put("a", "a", new Timing(4, 0.5, 4));
        again.save();
        assertEquals(new String(before), Files.readString(file));
    }

    @Test
    void anotherDevicesEntriesStayInTheFileButAreNotReturned() throws IOException {
        assertForeignEntriesKeptAndHidden("other-device", ENGINE);
    }

    @Test
    void anotherEngineVersionsEntriesStayInTheFileButAreNotReturned() throws IOException {
        assertForeignEntriesKeptAndHidden(DEVICE, "0.0.9");
    }

    private void assertForeignEntriesKeptAndHidden(String otherDevice, String otherEngine) throws IOException {
        Path file = dir.resolve("shared.json");
        TimingCache theirs = TimingCache.open(file, otherDevice, otherEngine, warnings::add);
        theirs.put("conv", "im2col", new Timing(7, 1, 5));
        theirs.put("gemm", "packed", new Timing(8, 1, 5));
        theirs.save();

        TimingCache ours = open(file);
        assertEquals(0, ours.size());
        assertEquals(Optional.empty(), ours.get("conv", "im2col"));
        assertEquals(1, warnings.size(), warnings.toString());
        assertTrue(warnings.getFirst().contains(file.toString()), warnings.getFirst());
        assertTrue(warnings.getFirst().contains("other devices or engine versions"), warnings.getFirst());

        ours.put("conv", "im2col", new Timing(3, 0, 5));
        ours.save();
        String text = Files.readString(file);
        assertTrue(text.contains(otherDevice) && text.contains(otherEngine), text);

        TimingCache theirsAgain = TimingCache.open(file, otherDevice, otherEngine, warnings::add);
        assertEquals(Optional.of(new Timing(7, 1, 5)), theirsAgain.get("conv", "im2col"));
        assertEquals(2, theirsAgain.size());
        TimingCache oursAgain = open(file);
        assertEquals(Optional.of(new Timing(3, 0, 5)), oursAgain.get("conv", "im2col"));
        assertEquals(1, oursAgain.size());
        // Both now find entries of their own: no further warning.
        assertEquals(1, warnings.size(), warnings.toString());
    }

    @Test
    void entriesWithBadValuesAreSkippedWithOneWarningAndUnknownFieldsIgnored() throws IOException {
        Path file = dir.resolve("cache.json");
        String good = "\"device\": \"" + DEVICE + "\", \"engine\": \"" + ENGINE + "\"";
        Files.writeString(file, """
                {"format": "jengine-timing-cache", "version": 1, "comment": "hand edited", "entries": [
                  {%1$s, "signature": "ok", "tactic": "a", "median_ms": 1.5, "spread_percent": 2, "runs": 3},
                  {%1$s, "signature": "ok", "tactic": "b", "median_ms": 2.5, "spread_percent": 0, "runs": 9, "note": "extra"},
                  {%1$s, "signature": "bad", "tactic": "negative", "median_ms": -1, "spread_percent": 2, "runs": 3},
                  {%1$s, "signature": "bad", "tactic": "zero", "median_ms": 0, "spread_percent": 2, "runs": 3},
                  {%1$s, "signature": "bad", "tactic": "no-runs", "median_ms": 1, "spread_percent": 2},
                  {%1$s, "signature": "bad", "tactic": "zero-runs", "median_ms": 1, "spread_percent": 2, "runs": 0},
                  {%1$s, "signature": "bad", "tactic": "fraction-runs", "median_ms": 1, "spread_percent": 2, "runs": 2.5},
                  {%1$s, "signature": "bad", "tactic": "negative-spread", "median_ms": 1, "spread_percent": -2, "runs": 3},
                  {%1$s, "signature": "bad", "tactic": "string-time", "median_ms": "1", "spread_percent": 2, "runs": 3},
                  {%1$s, "tactic": "no-signature", "median_ms": 1, "spread_percent": 2, "runs": 3},
                  {"engine": "%2$s", "signature": "bad", "tactic": "no-device", "median_ms": 1, "spread_percent": 2, "runs": 3},
                  "not an object"
                ]}
                """.formatted(good, ENGINE));

        TimingCache cache = open(file);
        assertEquals(2, cache.size());
        assertEquals(Optional.of(new Timing(1.5, 2, 3)), cache.get("ok", "a"));
        assertEquals(Optional.of(new Timing(2.5, 0, 9)), cache.get("ok", "b"));
        assertEquals(Optional.empty(), cache.get("bad", "negative"));
        assertEquals(1, warnings.size(), warnings.toString());
        String warning = warnings.getFirst();
        assertTrue(warning.contains(file.toString()) && warning.contains("skipped 10 entries"), warning);
        assertFalse(warning.contains("\n"), warning);
    }

    @Test
    void onlyForeignEntriesAndBadOnesStillGiveOneWarning() throws IOException {
        Path file = dir.resolve("cache.json");
        Files.writeString(file, """
                {"format": "jengine-timing-cache", "version": 1, "entries": [
                  {"device": "other", "engine": "9", "signature": "s", "tactic": "t", "median_ms": 1, "spread_percent": 0, "runs": 1},
                  {"device": "other", "engine": "9", "signature": "s", "tactic": "u", "median_ms": -1, "spread_percent": 0, "runs": 1}
                ]}
                """);
        assertEquals(0, open(file).size());
        assertEquals(1, warnings.size(), warnings.toString());
        assertTrue(warnings.getFirst().contains("other devices") && warnings.getFirst().contains("skipped 1 entry"),
                warnings.getFirst());
    }

    @Test
    void saveCreatesMissingParentDirectories() {
        Path file = dir.resolve("a/b/c/cache.json");
        TimingCache cache = open(file);
        cache.put("s", "t", new Timing(1, 0, 1));
        cache.save();
        assertTrue(Files.isRegularFile(file));
        assertEquals(Optional.of(new Timing(1, 0, 1)), open(file).get("s", "t"));
        assertEquals(List.of(), warnings);
    }

    @Test
    void aFailedWriteThrowsNamingTheFile() throws IOException {
        Path blocker = Files.writeString(dir.resolve("not-a-directory"), "x");
        Path file = blocker.resolve("cache.json");
        TimingCache cache = open(file);
        cache.put("s", "t", new Timing(1, 0, 1));
        UncheckedIOException e = assertThrows(UncheckedIOException.class, cache::save);
        assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
    }

    @Test
    void anInMemoryCacheWorksAndSavesNothing() throws IOException {
        TimingCache cache = TimingCache.inMemory(DEVICE, ENGINE);
        cache.put("s", "t", new Timing(1, 0, 1));
        assertEquals(Optional.of(new Timing(1, 0, 1)), cache.get("s", "t"));
        assertEquals(1, cache.added());
        assertEquals(1, cache.size());
        cache.save();
        try (var files = Files.list(dir)) {
            assertEquals(List.of(), files.toList());
        }
    }

    @Test
    void timingRejectsValuesNoMeasurementHas() {
        new Timing(Double.MIN_VALUE, 0, 1);
        for (double median : new double[] {0, -1, Double.NaN, Double.POSITIVE_INFINITY}) {
            assertThrows(IllegalArgumentException.class, () -> new Timing(median, 0, 1), "median " + median);
        }
        for (double spread : new double[] {-0.1, Double.NaN, Double.POSITIVE_INFINITY}) {
            assertThrows(IllegalArgumentException.class, () -> new Timing(1, spread, 1), "spread " + spread);
        }
        assertThrows(IllegalArgumentException.class, () -> new Timing(1, 0, 0));
    }
}
