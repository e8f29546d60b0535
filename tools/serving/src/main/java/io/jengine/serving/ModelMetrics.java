package io.jengine.serving;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The meters of one model version, tagged {@code model} and {@code version}. One instance per version for the
 * server's life, so that a reload goes on counting where the old load stopped (Micrometer would hand the same
 * counters back anyway, but a gauge stays bound to the object it was first registered with).
 *
 * <ul>
 *   <li>{@value #REQUESTS}: requests answered, tagged {@code outcome} (success, failure, rejected, timeout, cancelled)
 *   <li>{@value #QUEUE}: from acceptance until a worker took the request
 *   <li>{@value #COMPUTE}: one run of the engine on a batch
 *   <li>{@value #REQUEST}: from acceptance until the response, for successful requests
 *   <li>{@value #BATCH}: rows per run
 *   <li>{@value #DEPTH}: requests queued now
 *   <li>{@value #LOAD}: building the engine from its file
 * </ul>
 */
final class ModelMetrics {
    static final String REQUESTS = "jengine.inference.requests";
    static final String QUEUE = "jengine.inference.queue.duration";
    static final String COMPUTE = "jengine.inference.compute.duration";
    static final String REQUEST = "jengine.inference.request.duration";
    static final String BATCH = "jengine.inference.batch.size";
    static final String DEPTH = "jengine.inference.queue.depth";
    static final String LOAD = "jengine.model.load.duration";
    static final String WARMUP = "jengine.model.warmup.duration";

    enum Outcome {
        SUCCESS, FAILURE, REJECTED, TIMEOUT, CANCELLED;

        final String tag = name().toLowerCase(Locale.ROOT);
    }

    final AtomicInteger queueDepth = new AtomicInteger();
    private final Map<Outcome, Counter> requests = new EnumMap<>(Outcome.class);
    private final Timer queueWait;
    private final Timer compute;
    private final Timer total;
    private final DistributionSummary batchSize;
    private final Timer load;
    private final Timer warmup;

    ModelMetrics(MeterRegistry registry, String model, int version) {
        Tags tags = Tags.of("model", model, "version", Integer.toString(version));
        for (Outcome o : Outcome.values()) {
            requests.put(o, Counter.builder(REQUESTS).description("Inference requests answered, by outcome")
                    .tags(tags).tag("outcome", o.tag).register(registry));
        }
        queueWait = timer(QUEUE, "Time a request waited in the queue before a worker took it", tags, registry);
        compute = timer(COMPUTE, "Time of one engine run on a batch", tags, registry);
        total = timer(REQUEST, "Time from accepting a request to its successful response", tags, registry);
        batchSize = DistributionSummary.builder(BATCH).description("Rows per engine run").tags(tags)
                .publishPercentiles(0.5, 0.9, 0.99).publishPercentileHistogram().register(registry);
        Gauge.builder(DEPTH, queueDepth, AtomicInteger::get).description("Requests waiting in the queue").tags(tags)
                .strongReference(true).register(registry);
        load = Timer.builder(LOAD).description("Time to build the model's engine from its file").tags(tags)
                .register(registry);
        warmup = Timer.builder(WARMUP).description("Time the model's warm-up runs took before it took requests")
                .tags(tags).register(registry);
    }

    private static Timer timer(String name, String description, Tags tags, MeterRegistry registry) {
        return Timer.builder(name).description(description).tags(tags).publishPercentiles(0.5, 0.9, 0.99)
                .publishPercentileHistogram().minimumExpectedValue(Duration.ofNanos(10_000))
                .maximumExpectedValue(Duration.ofSeconds(60)).register(registry);
    }

    void count(Outcome o) { requests.get(o).increment(); }

    /** Counts a request's end as the error that ended it (null: success). */
    void answered(PendingRequest p, Throwable error, long nowNanos) {
        Throwable e = error instanceof CompletionException c && c.getCause() != null ? c.getCause() : error;
        count(switch (e) {
            case null -> Outcome.SUCCESS;
            case CancellationException _ -> Outcome.CANCELLED;
            case RequestTimeoutException _ -> Outcome.TIMEOUT;
            case ServerBusyException _, ModelUnavailableException _ -> Outcome.REJECTED;
            default -> Outcome.FAILURE;
        });
        if (e == null) total.record(nowNanos - p.acceptedNanos, TimeUnit.NANOSECONDS);
    }

    void queued(long nanos) { queueWait.record(nanos, TimeUnit.NANOSECONDS); }

    void ran(long rows, long nanos) {
        batchSize.record(rows);
        compute.record(nanos, TimeUnit.NANOSECONDS);
    }

    void loaded(long nanos) { load.record(nanos, TimeUnit.NANOSECONDS); }

    void warmedUp(long nanos) { warmup.record(nanos, TimeUnit.NANOSECONDS); }
}
