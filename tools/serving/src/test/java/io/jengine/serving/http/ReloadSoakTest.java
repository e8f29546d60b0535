package io.jengine.serving.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jengine.tensor.Tensor;
import io.jengine.verify.ProcessStatus;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A server that unloads, loads and serves a model over and over ({@code POST /v2/repository/models/digits2/unload},
 * {@code .../load}, an inference), sampled half-way and at the end, in a JVM of its own with a fixed heap resident
 * from the start (tools/serving's pom). Leaking an engine would keep 22 KiB of heap and 373 KiB of weights per cycle:
 * in the second half, the native memory tensors hold ({@link Tensor#liveBytes()}, after a collection) may grow by at
 * most 1 KiB per cycle (it moves by whole 64 KiB slabs as threads take new ones) and the heap after a collection by
 * at most 8 KiB per cycle (a short run cannot ask for less: the JIT still compiles the load path for the first 2,000
 * cycles or so, and the string constants of what it compiles join the heap); the metric series and open file
 * descriptors may not change, and live threads grow by at most the two Jetty may add to its pool.
 * Resident memory is reported, not asserted: a model's weights are freed when a collection finds them unreachable, so
 * between collections several unloaded copies are held at once; blocks of 128 KiB and more are mapped pages that go
 * back to the system when freed, but smaller ones stay with the C allocator, and resident memory still creeps by a
 * few KB per cycle (+1.2% from cycle 2,500 to 5,000) while the live figure stays flat.
 * {@value #DEFAULT_CYCLES} cycles here; the reliability figures come from {@code -Djengine.soak.cycles=5000}.
 */
class ReloadSoakTest {
    static final int DEFAULT_CYCLES = 600;

    @TempDir
    Path dir;

    record Sample(long rssKib, long heapAfterGc, long liveNative, int threads, long fds, int meters) {}

    static Sample sample(TestServer http) {
        long heap = ProcessStatus.heapAfterCollection();
        return new Sample(ProcessStatus.kib("VmRSS"), heap, Tensor.liveBytes(), Thread.activeCount(),
                ProcessStatus.openDescriptors(),
                (int) http.get("/metrics").text().lines().filter(l -> !l.startsWith("#")).count());
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
            double nativePerCycle = (double) (late.liveNative() - early.liveNative()) / between;
            System.out.printf("reload soak: %d cycles; after cycle %d %s; at the end %s; per cycle since: resident %+.0f"
                    + " B, heap after GC %+.0f B, native tensor memory %+.0f B%n", cycles, cycles / 2, early, late,
                    rssPerCycle, heapPerCycle, nativePerCycle);
            assertTrue(heapPerCycle < 8 * 1024, "heap after GC grew by " + heapPerCycle + " B per cycle");
            assertTrue(nativePerCycle < 1024, "native tensor memory grew by " + nativePerCycle + " B per cycle");
            assertTrue(late.threads() <= early.threads() + 2, "live threads: " + early + " -> " + late);
            assertEquals(early.fds(), late.fds(), "open file descriptors");
            assertEquals(early.meters(), late.meters(), "metric series");
        }
    }
}
