package io.jengine.tune.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Files that cannot serve as a cache: one warning, an empty cache, and a save that puts a valid file in their place. */
class TimingCacheUnusableFileTest {
    private static final String DEVICE = "dev";
    private static final String ENGINE = "1.0";

    @TempDir
    Path dir;
    private final List<String> warnings = new ArrayList<>();

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '\'', value = {
            "corrupt JSON         | '{\"format\": \"jengine-timing-cache\", \"version\": 1, \"entries\": [}'  | not valid JSON",
            "not JSON at all      | 'GGUF\u0000\u0001binary'                                                | not valid JSON",
            "an object not ours   | '{\"a\":1}'                                                             | not a jengine timing cache",
            "an array             | '[]'                                                                    | not a jengine timing cache",
            "another format       | '{\"format\": \"trt-cache\", \"version\": 1, \"entries\": []}'          | not a jengine timing cache",
            "a future version     | '{\"format\": \"jengine-timing-cache\", \"version\": 2, \"entries\": []}' | format version 2",
            "a string version     | '{\"format\": \"jengine-timing-cache\", \"version\": \"1\", \"entries\": []}' | not an integer",
            "no entries array     | '{\"format\": \"jengine-timing-cache\", \"version\": 1, \"entries\": {}}' | no \"entries\" array",
            "trailing garbage     | '{\"format\": \"jengine-timing-cache\", \"version\": 1, \"entries\": []} {' | not valid JSON",
            "an empty file        | ''                                                                      | empty",
    })
    void isIgnoredWithOneWarningAndReplacedOnSave(String what, String content, String reason) throws IOException {
        Path file = Files.writeString(dir.resolve("cache.json"), content);
        assertIgnoredThenReplaced(file, reason);
    }

    @Test
    void aTruncatedFileIsIgnoredWithOneWarningAndReplacedOnSave() throws IOException {
        Path file = dir.resolve("cache.json");
        TimingCache writer = TimingCache.open(file, DEVICE, ENGINE, warnings::add);
        for (int i = 0; i < 5; i++) writer.put("conv" + i, "im2col", new Timing(1 + i, 0, 3));
        writer.save();
        byte[] whole = Files.readAllBytes(file);
        Files.write(file, Arrays.copyOf(whole, whole.length * 2 / 3)); // a write cut short, as by a full disk
        assertIgnoredThenReplaced(file, "not valid JSON");
    }

    private void assertIgnoredThenReplaced(Path file, String reason) throws IOException {
        TimingCache cache = TimingCache.open(file, DEVICE, ENGINE, warnings::add);
        assertEquals(0, cache.size());
        assertEquals(Optional.empty(), cache.get("conv0", "im2col"));
        assertEquals(1, warnings.size(), warnings.toString());
        String warning = warnings.getFirst();
        assertTrue(warning.contains(file.toString()), warning);
        assertTrue(warning.contains(reason), warning);
        assertFalse(warning.contains("\n") || warning.contains("\r"), warning);
        assertFalse(warning.contains("[Source"), "the parser's source placeholder is noise: " + warning);

        cache.put("gemm", "packed", new Timing(0.5, 1, 10));
        cache.save();
        assertEquals(1, warnings.size(), "replacing an already reported file warns no more: " + warnings);

        List<String> after = new ArrayList<>();
        TimingCache reopened = TimingCache.open(file, DEVICE, ENGINE, after::add);
        assertEquals(List.of(), after);
        assertEquals(1, reopened.size());
        assertEquals(Optional.of(new Timing(0.5, 1, 10)), reopened.get("gemm", "packed"));
        assertTrue(Files.readString(file).contains("\"format\": \"jengine-timing-cache\""));
    }

    @Test
    void aFileDamagedAfterOpenIsReplacedOnSaveWithOneWarning() throws IOException {
        Path file = dir.resolve("cache.json");
        TimingCache first = TimingCache.open(file, DEVICE, ENGINE, warnings::add);
        first.put("a", "t", new Timing(1, 0, 1));
        first.save();

        TimingCache second = TimingCache.open(file, DEVICE, ENGINE, warnings::add);
        assertEquals(List.of(), warnings);
        Files.writeString(file, "{\"format\": \"jengine-timing-cache\", \"ver");
        second.put("b", "t", new Timing(2, 0, 1));
        second.save();
        assertEquals(1, warnings.size(), warnings.toString());
        assertTrue(warnings.getFirst().contains(file.toString()), warnings.getFirst());

        // What the second cache had read at open survives the damage, along with what it measured.
        TimingCache reopened = TimingCache.open(file, DEVICE, ENGINE, warnings::add);
        assertEquals(Optional.of(new Timing(1, 0, 1)), reopened.get("a", "t"));
        assertEquals(Optional.of(new Timing(2, 0, 1)), reopened.get("b", "t"));
        assertEquals(1, warnings.size(), warnings.toString());
    }
}
