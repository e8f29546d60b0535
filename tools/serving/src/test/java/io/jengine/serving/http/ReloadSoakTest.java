package io.jengine.serving.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A server that unloads, loads and serves a model over and over ({@code POST /v2/repository/models/digits2/unload},
 * {@code .../load}, an inference), sampled half-way and at the end, in a JVM of its own that touches its whole heap at
 * start (tools/serving's pom). Leaking what one load makes would cost every cycle the model's weights (373 KiB,
 * natively) and the engine's graph and plans (22 KiB of heap): resident memory may grow by at most 64 KiB per cycle
 * and the heap after a collection by at most 8 KiB per cycle in the second half, the metric series and open file
 * descriptors not at all, live threads by at most the two Jetty may add to its pool. A short run cannot show less:
 * the JIT still compiles the load path for the first 2,000 cycles or so (its code cache grows, and the string
 * constants of the code it compiles join the heap). {@value #DEFAULT_CYCLES} cycles here; the reliability figures come
 * from {@code -Djengine.soak.cycles=5000}.
 */
class ReloadSoakTest {
    static final int DEFAULT_CYCLES = 600;

    @TempDir
    Path dir;

    record Sample(long rssKib, long heapAfterGc, int threads, long fds, int meters) {}

    static Sample sample(TestServer http) throws IOException, InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(50);
        }
        long rss = 0;
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) rss = Long.parseLong(line.replaceAll("\\D", ""));
        }
        long fds;
        try (var s = Files.list(Path.of("/proc/self/fd"))) {
            fds = s.count();
        }
        return new Sample(rss, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed(),
                Thread.activeCount(), fds, (int) http.get("/metrics").text().lines().filter(l -> !l.startsWith("#")).count());
    }

    @Test
    void loadingAndUnloadingAModelForeverDoesNotGrow() throws Exception {
        int cycles = Integer.getInteger("jengine.soak.cycles", DEFAULT_CYCLES);
        String body = RepositoryHttpTest.infer();
        try (TestServer http = new TestServer(dir)) {
            Sample early = null;
            for (int c = 1; c <= cycles; c++) {
                assertEquals(200, http.post("/v2/repository/models/digits2/unload", "").status());
                assertEquals(200, http.post("/v2/repository/models/digits2/load", "").status());
                TestServer.Answer a = http.post("/v2/models/digits2/infer", body);
                assertEquals(200, a.status(), a.text());
                if (c == cycles / 2) early = sample(http);
                if (c % Math.max(1, cycles / 5) == 0) System.err.printf("reload soak: cycle %d of %d%n", c, cycles);
            }
            Sample late = sample(http);
            int between = cycles - cycles / 2;
            double rssPerCycle = (late.rssKib() - early.rssKib()) * 1024.0 / between;
            double heapPerCycle = (double) (late.heapAfterGc() - early.heapAfterGc()) / between;
            System.out.printf("reload soak: %d cycles; after cycle %d %s; at the end %s; per cycle since: resident %+.0f"
                    + " B, heap after GC %+.0f B%n", cycles, cycles / 2, early, late, rssPerCycle, heapPerCycle);
            assertTrue(rssPerCycle < 64 * 1024, "resident memory grew by " + rssPerCycle + " B per cycle");
            assertTrue(heapPerCycle < 8 * 1024, "heap after GC grew by " + heapPerCycle + " B per cycle");
            assertTrue(late.threads() <= early.threads() + 2, "live threads: " + early + " -> " + late);
            assertEquals(early.fds(), late.fds(), "open file descriptors");
            assertEquals(early.meters(), late.meters(), "metric series");
        }
    }
}
