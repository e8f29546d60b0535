package io.jengine.serving;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jengine.tensor.Tensor;
import io.micrometer.core.instrument.DistributionSummary;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The dynamic batcher on the digits model: batches form, and every request gets exactly its own rows back. */
class BatchingTest {
    static Digits digits;

    @BeforeAll
    static void reference() { digits = new Digits(); }

    /**
     * With the worker held, 499 single-image requests queue up; released, it runs them in full batches of 32. Each
     * response is bit-identical to running that image alone: the model's kernels compute a row's outputs the same
     * way whatever the batch (measured on every image, so asserted exactly).
     */
    @Test
    void batchedResultsEqualUnbatchedRuns() throws Exception {
        try (InferenceServer server = new InferenceServer()) {
            ModelHandle model = server.load("digits", Digits.MODEL, ModelConfig.builder().maxBatchSize(32).build());
            assertTrue(model.batching());
            List<CompletableFuture<InferenceResponse>> answers = new ArrayList<>();
            try (WorkerGate _ = WorkerGate.hold(model, digits.request(0))) {
                for (int i = 1; i < Digits.COUNT; i++) answers.add(model.inferAsync(digits.request(i)));
            }
            for (int i = 1; i < Digits.COUNT; i++) {
                InferenceResponse r = answers.get(i - 1).get();
                assertEquals("image-" + i, r.id());
                Tensor logits = r.output("logits");
                assertArrayEquals(new long[] {1, 10}, logits.shape());
                assertArrayEquals(digits.alone[i], logits.toFloatArray(), "image " + i);
            }
            DistributionSummary batches = batchSizes(server);
            assertEquals(32, batches.max(), "the queued requests ran in batches of maxBatchSize");
        }
    }

    /** Requests that carry several images each are stacked and cut back along their own rows. */
    @Test
    void requestsWithTheirOwnBatchDimensionGetTheirRowsBack() throws Exception {
        int[][] ranges = {{10, 3}, {20, 5}, {30, 1}, {40, 7}, {50, 16}};
        try (InferenceServer server = new InferenceServer()) {
            ModelHandle model = server.load("digits", Digits.MODEL, ModelConfig.builder().maxBatchSize(16).build());
            List<CompletableFuture<InferenceResponse>> answers = new ArrayList<>();
            try (WorkerGate _ = WorkerGate.hold(model, digits.request(0))) {
                for (int[] r : ranges) {
                    answers.add(model.inferAsync(InferenceRequest.builder().input("image", digits.images(r[0], r[1]))
                            .build()));
                }
            }
            for (int k = 0; k < ranges.length; k++) {
                Tensor logits = answers.get(k).get().output("logits");
                assertArrayEquals(new long[] {ranges[k][1], 10}, logits.shape());
                float[] got = logits.toFloatArray();
                for (int row = 0; row < ranges[k][1]; row++) {
                    float[] want = digits.alone[ranges[k][0] + row];
                    for (int j = 0; j < 10; j++) assertEquals(want[j], got[row * 10 + j], "request " + k + " row " + row);
                }
            }
            // 3 + 5 + 1 + 7 = 16 fill one batch; the request of 16 runs alone in the next.
            assertEquals(16, batchSizes(server).max());
        }
    }

    /** Sixteen clients sending one image at a time all get their own image's answer, in batches of several. */
    @Test
    void sixteenConcurrentClientsGetCorrectAnswers() throws Exception {
        int clients = 16;
        // A long delay lets the batch fill up to the 16 clients waiting; it only ever waits for the last, short batch.
        ModelConfig config = ModelConfig.builder().maxBatchSize(16).maxQueueDelayMicros(100_000).build();
        try (InferenceServer server = new InferenceServer(); ExecutorService pool = Executors.newFixedThreadPool(clients)) {
            ModelHandle model = server.load("digits", Digits.MODEL, config);
            List<Future<Integer>> results = new ArrayList<>();
            for (int c = 0; c < clients; c++) {
                int client = c;
                results.add(pool.submit(() -> {
                    int correct = 0;
                    for (int i = client; i < Digits.COUNT; i += clients) {
                        float[] got = model.infer(digits.request(i)).output("logits").toFloatArray();
                        assertArrayEquals(digits.alone[i], got, "image " + i);
                        correct++;
                    }
                    return correct;
                }));
            }
            int answered = 0;
            for (Future<Integer> f : results) answered += f.get();
            assertEquals(Digits.COUNT, answered);
            DistributionSummary batches = batchSizes(server);
            assertEquals(Digits.COUNT, (long) batches.totalAmount(), "every image ran once");
            assertTrue(batches.max() > 1, "batches of several requests formed; the largest was " + batches.max());
            assertEquals(Digits.COUNT, server.meterRegistry().get(ModelMetrics.REQUESTS).tag("outcome", "success")
                    .counter().count());
        }
    }

    static DistributionSummary batchSizes(InferenceServer server) {
        return server.meterRegistry().get(ModelMetrics.BATCH).tag("model", "digits").summary();
    }
}
