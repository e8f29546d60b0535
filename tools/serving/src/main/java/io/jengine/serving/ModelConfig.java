package io.jengine.serving;

import java.time.Duration;
import java.util.List;
import java.util.TreeSet;

/**
 * How one model is served, after Triton's model configuration.
 *
 * @param maxBatchSize         the most rows (the sum of the requests' leading dimensions) one run may take; 0 turns
 *                             batching off and runs each request on its own, as Triton's {@code max_batch_size: 0}.
 *                             Above 0 a request's own batch may not exceed it.
 * @param preferredBatchSizes  batch sizes worth sending at once, before the queue delay runs out (Triton's
 *                             {@code preferred_batch_size}); ascending, each from 1 to {@code maxBatchSize}
 * @param maxQueueDelayMicros  how long the oldest queued request may wait for others to join its batch; 0 sends
 *                             whatever is queued when a worker is free (under load the queue fills while workers run)
 * @param maxQueueSize         requests queued at most; one more is refused at once with {@link ServerBusyException}
 * @param instanceCount        batches that run at once, one worker thread and session each
 * @param defaultTimeout       how long a request without its own timeout may wait to start running; zero: no limit
 * @param engineThreads        intra-op threads of each run; 0 keeps the engine's default (every core, or a plan's own)
 * @param maxElementsPerTensor the most elements one input tensor of a request may have, which bounds what one request
 *                             can make the server allocate
 * @param warmupRuns           runs on generated inputs at each batch size the server may send (1, the preferred sizes
 *                             and the maximum) before the model takes requests, as Triton's {@code model_warmup}: a
 *                             young JVM runs kernels the JIT compiler has not finished, and the first requests would
 *                             pay for it; 0 (the default) loads without warming
 */
public record ModelConfig(int maxBatchSize, List<Integer> preferredBatchSizes, long maxQueueDelayMicros,
                          int maxQueueSize, int instanceCount, Duration defaultTimeout, int engineThreads,
                          long maxElementsPerTensor, int warmupRuns, List<java.nio.file.Path> plugins) {
    /** 16 M elements: 64 MiB of float32, well above an image batch of 32 × 3 × 224 × 224 (4.8 M). */
    public static final long DEFAULT_MAX_ELEMENTS = 1L << 24;
    public static final int DEFAULT_MAX_QUEUE_SIZE = 1024;
    /** A worker per instance and a session each: beyond this the threads only queue for the same cores. */
    public static final int MAX_INSTANCES = 64;

    public ModelConfig {
        require(maxBatchSize >= 0, "maxBatchSize must be 0 (no batching) or positive, got " + maxBatchSize);
        preferredBatchSizes = List.copyOf(preferredBatchSizes == null ? List.of() : preferredBatchSizes);
        if (!preferredBatchSizes.isEmpty()) {
            require(maxBatchSize > 0, "preferredBatchSizes " + preferredBatchSizes + " need maxBatchSize > 0");
            for (int size : preferredBatchSizes) {
                require(size >= 1 && size <= maxBatchSize, "preferred batch size " + size
                        + " is outside 1.." + maxBatchSize + " (maxBatchSize)");
            }
            preferredBatchSizes = List.copyOf(new TreeSet<>(preferredBatchSizes));
        }
        require(maxQueueDelayMicros >= 0, "maxQueueDelayMicros must be 0 or positive, got " + maxQueueDelayMicros);
        require(maxQueueSize >= 1, "maxQueueSize must be at least 1 (the queue is bounded), got " + maxQueueSize);
        require(instanceCount >= 1 && instanceCount <= MAX_INSTANCES, "instanceCount must be 1.." + MAX_INSTANCES
                + ", got " + instanceCount);
        defaultTimeout = defaultTimeout == null ? Duration.ZERO : defaultTimeout;
        require(!defaultTimeout.isNegative(), "defaultTimeout must be zero (none) or positive, got " + defaultTimeout);
        require(engineThreads >= 0, "engineThreads must be 0 (the engine's default) or positive, got " + engineThreads);
        require(maxElementsPerTensor >= 1, "maxElementsPerTensor must be positive, got " + maxElementsPerTensor);
        require(warmupRuns >= 0 && warmupRuns <= MAX_WARMUP_RUNS, "warmupRuns must be 0.." + MAX_WARMUP_RUNS
                + ", got " + warmupRuns);
        plugins = List.copyOf(plugins == null ? List.of() : plugins);
    }

    /** Warm-up runs per batch size at most: a load must end. */
    public static final int MAX_WARMUP_RUNS = 10_000;

    /** No batching, one instance, a queue of {@value #DEFAULT_MAX_QUEUE_SIZE}, no timeout. */
    public static ModelConfig defaults() { return builder().build(); }

    public static Builder builder() { return new Builder(); }

    public Builder toBuilder() {
        return new Builder().maxBatchSize(maxBatchSize).preferredBatchSizes(preferredBatchSizes)
                .maxQueueDelayMicros(maxQueueDelayMicros).maxQueueSize(maxQueueSize).instanceCount(instanceCount)
                .defaultTimeout(defaultTimeout).engineThreads(engineThreads).maxElementsPerTensor(maxElementsPerTensor)
                .warmupRuns(warmupRuns).plugins(plugins);
    }

    private static void require(boolean ok, String message) {
        if (!ok) throw new IllegalArgumentException("model config: " + message);
    }

    /** Collects settings; {@link #build} validates them together (preferred sizes depend on the maximum). */
    public static final class Builder {
        private int maxBatchSize;
        private List<Integer> preferredBatchSizes = List.of();
        private long maxQueueDelayMicros;
        private int maxQueueSize = DEFAULT_MAX_QUEUE_SIZE;
        private int instanceCount = 1;
        private Duration defaultTimeout = Duration.ZERO;
        private int engineThreads;
        private long maxElementsPerTensor = DEFAULT_MAX_ELEMENTS;
        private int warmupRuns;
        private List<java.nio.file.Path> plugins = List.of();

        private Builder() {}

        public Builder maxBatchSize(int n) { maxBatchSize = n; return this; }

        public Builder preferredBatchSizes(Integer... sizes) { return preferredBatchSizes(List.of(sizes)); }

        public Builder preferredBatchSizes(List<Integer> sizes) { preferredBatchSizes = sizes; return this; }

        public Builder maxQueueDelayMicros(long micros) { maxQueueDelayMicros = micros; return this; }

        public Builder maxQueueSize(int n) { maxQueueSize = n; return this; }

        public Builder instanceCount(int n) { instanceCount = n; return this; }

        public Builder defaultTimeout(Duration timeout) { defaultTimeout = timeout; return this; }

        public Builder engineThreads(int n) { engineThreads = n; return this; }

        public Builder maxElementsPerTensor(long n) { maxElementsPerTensor = n; return this; }

        public Builder warmupRuns(int n) { warmupRuns = n; return this; }

        /** Plugin jars the model is built with (its ops and backends, see {@code EngineBuilder.plugins}). */
        public Builder plugins(List<java.nio.file.Path> jars) { plugins = jars; return this; }

        public ModelConfig build() {
            return new ModelConfig(maxBatchSize, preferredBatchSizes, maxQueueDelayMicros, maxQueueSize,
                    instanceCount, defaultTimeout, engineThreads, maxElementsPerTensor, warmupRuns, plugins);
        }
    }
}
