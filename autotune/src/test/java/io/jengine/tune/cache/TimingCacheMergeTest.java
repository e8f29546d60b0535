package io.jengine.tune.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Several builds sharing one cache file: each save merges with what is on disk, and no save corrupts it. */
class TimingCacheMergeTest {
    private static final String DEVICE = "dev";
    private static final String ENGINE = "1.0";

    @TempDir
    Path dir;

    @Test
    void twoCachesOpenedTogetherBothKeepTheirEntries() {
        Path file = dir.resolve("cache.json");
        List<String> warnings = new ArrayList<>();
        TimingCache a = TimingCache.open(file, DEVICE, ENGINE, warnings::add);
        TimingCache b = TimingCache.open(file, DEVICE, ENGINE, warnings::add);
        a.put("conv", "im2col", new Timing(1, 0, 1));
        b.put("gemm", "packed", new Timing(2, 0, 1));
        a.save();
        b.save(); // b never saw a's entry: only re-reading under the lock keeps it

        TimingCache merged = TimingCache.open(file, DEVICE, ENGINE, warnings::add);
        assertEquals(Optional.of(new Timing(1, 0, 1)), merged.get("conv", "im2col"));
        assertEquals(Optional.of(new Timing(2, 0, 1)), merged.get("gemm", "packed"));
        assertEquals(2, merged.size());
        assertEquals(List.of(), warnings);
    }

    @Test
    void onTheSameKeyTheSavingCachesMeasurementWinsButWhatItOnlyReadDoesNot() {
        Path file = dir.resolve("cache.json");
        TimingCache seed = TimingCache.open(file, DEVICE, ENGINE, m -> {});
        seed.put("conv", "im2col", new Timing(1, 0, 1));
        seed.put("conv", "direct", new Timing(5, 0, 1));
        seed.save();

        TimingCache a = TimingCache.open(file, DEVICE, ENGINE, m -> {});
        TimingCache b = TimingCache.open(file, DEVICE, ENGINE, m -> {});
        a.put("conv", "im2col", new Timing(2, 0, 1));
        a.put("conv", "direct", new Timing(6, 0, 1));
        a.save();
        b.put("conv", "im2col", new Timing(3, 0, 1)); // b measured im2col again, but only read direct
        b.save();

        TimingCache merged = TimingCache.open(file, DEVICE, ENGINE, m -> {});
        assertEquals(Optional.of(new Timing(3, 0, 1)), merged.get("conv", "im2col"));
        assertEquals(Optional.of(new Timing(6, 0, 1)), merged.get("conv", "direct"));
    }

    @Test
    void concurrentThreadsAndAnotherProcessLoseNoEntriesAndNeverExposeAHalfWrittenFile() throws Exception {
        Path file = dir.resolve("shared/cache.json");
        int threads = 3, threadRounds = 20;

        // Another JVM writes the same file all the while the threads do, so that the lock is tried across processes as
        // well as threads: it starts writing before them and stops when its standard input is closed after them.
        Process other = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), TimingCacheWriterProcess.class.getName(),
                file.toString(), DEVICE, ENGINE, "process")
                .redirectErrorStream(true).start();
        Map<String, Integer> rounds = new TreeMap<>();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(other.getInputStream()))) {
            String line = out.readLine();
            assertEquals("ready", line, "the writer process did not start");

            AtomicBoolean writing = new AtomicBoolean(true);
            List<String> readerWarnings = new CopyOnWriteArrayList<>();
            try (ExecutorService pool = Executors.newFixedThreadPool(threads + 1)) {
                Map<String, Future<Integer>> writers = new TreeMap<>();
                for (int t = 0; t < threads; t++) {
                    String name = "thread" + t;
                    writers.put(name, pool.submit(() -> {
                        for (int r = 0; r < threadRounds; r++) {
                            TimingCacheWriterProcess.writeRound(file, DEVICE, ENGINE, name, r);
                        }
                        return threadRounds;
                    }));
                }
                // A reader that never locks must always find a whole file: the move over it is a single step.
                Future<?> reader = pool.submit(() -> {
                    while (writing.get()) TimingCache.open(file, DEVICE, ENGINE, readerWarnings::add);
                    return null;
                });
                try {
                    for (var writer : writers.entrySet()) {
                        rounds.put(writer.getKey(), writer.getValue().get(2, TimeUnit.MINUTES));
                    }
                } finally {
                    // Also when a writer failed: the pool's close waits for the reader.
                    writing.set(false);
                }
                reader.get(1, TimeUnit.MINUTES);
            }
            other.getOutputStream().close();
            List<String> processOutput = new ArrayList<>();
            while ((line = out.readLine()) != null) processOutput.add(line);
            assertTrue(other.waitFor(1, TimeUnit.MINUTES), "the writer process did not finish");
            assertEquals(0, other.exitValue(), String.join("\n", processOutput));
            String last = processOutput.getLast();
            assertTrue(last.startsWith("rounds "), last);
            rounds.put("process", Integer.parseInt(last.substring("rounds ".length())));
            assertEquals(List.of(), readerWarnings);
        } finally {
            other.destroyForcibly();
        }

        List<String> warnings = new ArrayList<>();
        TimingCache result = TimingCache.open(file, DEVICE, ENGINE, warnings::add);
        assertEquals(List.of(), warnings);
        List<String> missing = new ArrayList<>();
        rounds.forEach((writer, n) -> {
            for (int r = 0; r < n; r++) {
                String signature = TimingCacheWriterProcess.signature(writer, r);
                if (!result.get(signature, "tactic").equals(Optional.of(TimingCacheWriterProcess.timing(r)))) {
                    missing.add(signature);
                }
            }
        });
        assertEquals(List.of(), missing, rounds.toString());
        assertEquals(rounds.values().stream().mapToInt(Integer::intValue).sum(), result.size(), rounds.toString());
        try (var leftovers = Files.list(file.getParent())) {
            assertEquals(List.of("cache.json", "cache.json.lock"),
                    leftovers.map(p -> p.getFileName().toString()).sorted().toList(), "no temporary files left behind");
        }
    }
}
