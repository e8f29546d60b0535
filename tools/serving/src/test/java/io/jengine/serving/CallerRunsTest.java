package io.jengine.serving;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.Arrays;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Where a request runs: a caller that waits ({@link ModelHandle#infer}) runs a lone request itself when it would go
 * out alone at once anyway; an asynchronous caller, or one whose request waits for batch-mates, hands it to a
 * worker. Told apart by CPU time: in the first case the workers spend almost none; in the others they spend more
 * than the caller, whose own part (building, validating, checking each answer) is the smaller.
 */
class CallerRunsTest {
    static final int REQUESTS = 200;
    static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    static Digits digits;

    @BeforeAll
    static void reference() { digits = new Digits(); }

    /** CPU nanoseconds of the model's worker threads so far. */
    static long workerCpu() {
        return Arrays.stream(THREADS.dumpAllThreads(false, false))
                .filter(t -> t.getThreadName().startsWith("jengine-serving-digits-"))
                .mapToLong(t -> Math.max(0, THREADS.getThreadCpuTime(t.getThreadId()))).sum();
    }

    /** [caller CPU, workers' CPU] over {@code REQUESTS} requests, each waited for ({@code infer}) or not. */
    static long[] cpuOf(ModelHandle model, boolean waiting) throws Exception {
        for (int i = 0; i < 50; i++) model.infer(digits.request(i)); // warm
        long caller = THREADS.getCurrentThreadCpuTime(), workers = workerCpu();
        for (int i = 0; i < REQUESTS; i++) {
            InferenceResponse r = waiting ? model.infer(digits.request(i)) : model.inferAsync(digits.request(i)).get();
            assertArrayEquals(digits.alone[i], r.output("logits").toFloatArray(), "image " + i);
        }
        return new long[] {THREADS.getCurrentThreadCpuTime() - caller, workerCpu() - workers};
    }

    static void assertWorkersRan(long[] cpu) {
        assertTrue(cpu[1] > cpu[0], "caller " + cpu[0] + " ns against the workers' " + cpu[1] + " ns");
    }

    @Test
    void aWaitingCallerRunsItsLoneRequestItself() throws Exception {
        try (InferenceServer server = new InferenceServer()) {
            ModelHandle model = server.load("digits", Digits.MODEL, ModelConfig.builder().build());
            long[] cpu = cpuOf(model, true);
            assertTrue(cpu[1] * 4 < cpu[0], "caller " + cpu[0] + " ns against the workers' " + cpu[1] + " ns");
        }
    }

    @Test
    void anAsynchronousCallerHandsItsRequestToAWorker() throws Exception {
        try (InferenceServer server = new InferenceServer()) {
            ModelHandle model = server.load("digits", Digits.MODEL, ModelConfig.builder().build());
            assertWorkersRan(cpuOf(model, false));
        }
    }

    @Test
    void aRequestThatWaitsForBatchMatesGoesThroughTheQueue() throws Exception {
        try (InferenceServer server = new InferenceServer()) {
            ModelConfig batched = ModelConfig.builder().maxBatchSize(8).maxQueueDelayMicros(200)
                    .defaultTimeout(Duration.ofSeconds(30)).build();
            ModelHandle model = server.load("digits", Digits.MODEL, batched);
            assertWorkersRan(cpuOf(model, true));
        }
    }
}
