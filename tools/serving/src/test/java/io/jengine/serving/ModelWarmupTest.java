package io.jengine.serving;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.Timer;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A model warmed at load runs at each batch size the server may send before it takes requests, and then serves. */
class ModelWarmupTest {
    static Digits digits;

    @BeforeAll
    static void reference() { digits = new Digits(); }

    @Test
    void theBatchSizesWarmedAreOneThePreferredAndTheMaximum() {
        ModelConfig batched = ModelConfig.builder().maxBatchSize(16).preferredBatchSizes(4, 8).build();
        assertEquals(List.of(1, 4, 8, 16), ModelWarmup.batchSizes(batched, true));
        assertEquals(List.of(1), ModelWarmup.batchSizes(batched, false), "a model that cannot batch runs alone");
    }

    @Test
    void aWarmedModelRecordsItsWarmUpAndServes() throws Exception {
        try (InferenceServer server = new InferenceServer()) {
            ModelConfig config = ModelConfig.builder().maxBatchSize(4).preferredBatchSizes(2).warmupRuns(3).build();
            ModelHandle model = server.load("digits", Digits.MODEL, config);
            Timer warmup = server.meterRegistry().get(ModelMetrics.WARMUP).timer();
            assertEquals(1, warmup.count());
            assertTrue(warmup.totalTime(java.util.concurrent.TimeUnit.NANOSECONDS) > 0);
            assertEquals(0, server.meterRegistry().get(ModelMetrics.COMPUTE).timer().count(),
                    "warm-up runs are not inference runs");
            assertArrayEquals(digits.alone[7], model.infer(digits.request(7)).output("logits").toFloatArray());
        }
    }

    @Test
    void aModelLoadedWithoutWarmUpRecordsNone() throws Exception {
        try (InferenceServer server = new InferenceServer()) {
            server.load("digits", Digits.MODEL, ModelConfig.defaults());
            assertEquals(0, server.meterRegistry().get(ModelMetrics.WARMUP).timer().count());
        }
    }
}
