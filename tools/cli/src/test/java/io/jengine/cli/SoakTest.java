package io.jengine.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jengine.build.EngineBuilder;
import io.jengine.runtime.Engine;
import io.jengine.runtime.Session;
import io.jengine.tensor.Tensor;
import io.jengine.tensor.Value;
import io.jengine.verify.ProcessStatus;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A long run of one small model (digits) in one session, sampled at run 10,000 (half-way in a shorter run) and at the
 * end, in a JVM of its own (tools/cli's pom) that touches its whole committed heap at start ({@code
 * -XX:+AlwaysPreTouch}, a fixed heap): resident memory, the heap after a collection and the native memory tensors
 * hold ({@link Tensor#liveBytes()}, give or take the few 64 KiB slabs small tensors come from) may not grow by 1% or
 * more, the open file descriptors not at all, and every run
 * allocates the same native bytes (its outputs, handed to the caller and freed by it). Without the pre-touch, resident
 * memory grows by some MB after run 10,000 (+9 MB by run 20,000, +15 by run 100,000, not in proportion to the runs)
 * while the collector first touches heap regions: bounded by the heap, and not a leak; the JVM's native memory
 * tracking shows its own memory flat meanwhile.
 * {@value #DEFAULT_RUNS} runs here; the reliability figures use {@code -Djengine.soak.runs=100000}.
 */
class SoakTest {
    static final int DEFAULT_RUNS = 20_000;

    /** Resident memory in KiB: all of it, and the anonymous part (heap, malloc; not mapped files such as libraries). */
    record Sample(long rssKib, long anonKib, long heapAfterGc, long liveNative, long fds) {}

    static Sample sample() {
        long heap = ProcessStatus.heapAfterCollection();
        return new Sample(ProcessStatus.kib("VmRSS"), ProcessStatus.kib("RssAnon"), heap, Tensor.liveBytes(),
                ProcessStatus.openDescriptors());
    }

    /** The first sample: at run 10,000 (the JIT has compiled the kernels by then), or half-way in a shorter run. */
    static int early(int runs) { return Math.min(10_000, runs / 2); }

    @Test
    void aLongRunDoesNotGrow() throws IOException {
        int runs = Integer.getInteger("jengine.soak.runs", DEFAULT_RUNS);
        Tensor images = io.jengine.io.Npy.read(CliErrorsTest.IMAGES);
        Map<String, Value> feeds = Map.of("image", ConcurrentRunsTest.slice(images, 0, 1));
        try (Engine engine = EngineBuilder.forModel(CliErrorsTest.DIGITS).shapes("image:1x1x8x8")
                .progress(new PrintStream(OutputStream.nullOutputStream())).build();
             Session session = engine.newSession()) {
            Sample early = null;
            long nativeEarly = 0, nativeAtEarly = 0;
            for (int r = 1; r <= runs; r++) {
                Map<String, Value> out = session.run(feeds);
                for (Value v : out.values()) if (v instanceof Tensor t) t.close();
                if (r == early(runs)) {
                    early = sample();
                    nativeAtEarly = Tensor.allocatedBytes();
                    nativeEarly = r;
                }
            }
            Sample late = sample();
            long perRunLate = (Tensor.allocatedBytes() - nativeAtEarly) / (runs - nativeEarly);
            int at = early(runs);
            System.out.printf("soak: %d runs; at run %d %s; at the end %s; %d native bytes allocated per run (outputs)%n",
                    runs, at, early, late, perRunLate);
            assertTrue(late.rssKib() < early.rssKib() * 1.01, "resident memory grew: " + early + " -> " + late);
            assertTrue(late.heapAfterGc() < early.heapAfterGc() * 1.01, "heap after GC grew: " + early + " -> " + late);
            // Small tensors are counted in whole 64 KiB slabs, held while any tensor cut from them lives: two samples
            // differ by a few slabs with the moment; a leak of the 40-byte output per run would be 3.6 MB here.
            assertTrue(late.liveNative() < early.liveNative() * 1.01 + 4 * 65536,
                    "native tensor memory grew: " + early + " -> " + late);
            assertEquals(early.fds(), late.fds(), "open file descriptors");
            assertEquals(40, perRunLate, "native bytes per run: the 1x10 float output alone");
        }
    }
}
