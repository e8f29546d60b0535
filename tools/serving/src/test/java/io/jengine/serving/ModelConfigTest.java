package io.jengine.serving;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class ModelConfigTest {
    static void refused(ModelConfig.Builder b, String message) {
        assertEquals("model config: " + message, assertThrows(IllegalArgumentException.class, b::build).getMessage());
    }

    @Test
    void defaultsAreTritonsWithABoundedQueue() {
        ModelConfig c = ModelConfig.defaults();
        assertEquals(0, c.maxBatchSize());
        assertEquals(List.of(), c.preferredBatchSizes());
        assertEquals(0, c.maxQueueDelayMicros());
        assertEquals(ModelConfig.DEFAULT_MAX_QUEUE_SIZE, c.maxQueueSize());
        assertEquals(1, c.instanceCount());
        assertEquals(Duration.ZERO, c.defaultTimeout());
        assertEquals(0, c.engineThreads());
        assertEquals(ModelConfig.DEFAULT_MAX_ELEMENTS, c.maxElementsPerTensor());
        assertEquals(0, c.warmupRuns(), "Triton warms no model unless asked");
        assertEquals(c, c.toBuilder().build());
    }

    @Test
    void preferredSizesAreSortedAndDeduplicated() {
        assertEquals(List.of(4, 8, 16), ModelConfig.builder().maxBatchSize(16).preferredBatchSizes(16, 4, 8, 4).build()
                .preferredBatchSizes());
    }

    @Test
    void everyFieldIsChecked() {
        refused(ModelConfig.builder().maxBatchSize(-1), "maxBatchSize must be 0 (no batching) or positive, got -1");
        refused(ModelConfig.builder().preferredBatchSizes(4), "preferredBatchSizes [4] need maxBatchSize > 0");
        refused(ModelConfig.builder().maxBatchSize(8).preferredBatchSizes(4, 9),
                "preferred batch size 9 is outside 1..8 (maxBatchSize)");
        refused(ModelConfig.builder().maxQueueDelayMicros(-5), "maxQueueDelayMicros must be 0 or positive, got -5");
        refused(ModelConfig.builder().maxQueueSize(0), "maxQueueSize must be at least 1 (the queue is bounded), got 0");
        refused(ModelConfig.builder().instanceCount(0), "instanceCount must be 1..64, got 0");
        refused(ModelConfig.builder().defaultTimeout(Duration.ofMillis(-1)),
                "defaultTimeout must be zero (none) or positive, got PT-0.001S");
        refused(ModelConfig.builder().engineThreads(-2), "engineThreads must be 0 (the engine's default) or positive, got -2");
        refused(ModelConfig.builder().maxElementsPerTensor(0), "maxElementsPerTensor must be positive, got 0");
        refused(ModelConfig.builder().warmupRuns(-1), "warmupRuns must be 0..10000, got -1");
    }
}
