package io.jengine.serving;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.distribution.DistributionStatisticConfig;
import io.micrometer.core.instrument.distribution.ValueAtPercentile;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The meters move with the traffic, under the names and tags a Prometheus scrape will show. */
class MetricsTest {
    @Test
    void metersCountRequestsTimesAndBatches() throws Exception {
        Digits digits = new Digits();
        MeterRegistry registry = new SimpleMeterRegistry();
        // A simple registry computes percentiles but keeps no histogram buckets (Prometheus' does): the
        // distribution config each meter asked for is what to check.
        Map<String, DistributionStatisticConfig> asked = new ConcurrentHashMap<>();
        registry.config().meterFilter(new MeterFilter() {
            @Override
            public DistributionStatisticConfig configure(Meter.Id id, DistributionStatisticConfig config) {
                asked.put(id.getName(), config);
                return config;
            }
        });
        try (InferenceServer server = new InferenceServer(registry)) {
            ModelHandle model = server.load("digits", Digits.MODEL, ModelConfig.builder().maxBatchSize(4).build());
            for (int i = 0; i < 10; i++) model.infer(digits.request(i));

            assertEquals(10, registry.get(ModelMetrics.REQUESTS).tags("model", "digits", "version", "1", "outcome",
                    "success").counter().count());
            assertEquals(0, registry.get(ModelMetrics.REQUESTS).tag("outcome", "timeout").counter().count());
            for (String name : new String[] {ModelMetrics.QUEUE, ModelMetrics.REQUEST}) {
                Timer t = registry.get(name).tags("model", "digits", "version", "1").timer();
                assertEquals(10, t.count(), name);
                assertEquals("[0.5, 0.9, 0.99]", Arrays.toString(Arrays.stream(t.takeSnapshot().percentileValues())
                        .mapToDouble(ValueAtPercentile::percentile).toArray()), name);
            }
            for (String name : new String[] {ModelMetrics.QUEUE, ModelMetrics.COMPUTE, ModelMetrics.REQUEST,
                    ModelMetrics.BATCH}) {
                assertTrue(asked.get(name).isPercentileHistogram(), name + " publishes a histogram");
                assertEquals("[0.5, 0.9, 0.99]", Arrays.toString(asked.get(name).getPercentiles()), name);
            }
            assertEquals(10, registry.get(ModelMetrics.COMPUTE).timer().count(), "one run per request, sent one by one");
            assertEquals(10, registry.get(ModelMetrics.BATCH).summary().totalAmount());
            assertEquals(0, registry.get(ModelMetrics.DEPTH).gauge().value());
            assertEquals(1, registry.get(ModelMetrics.LOAD).timer().count());
            assertTrue(registry.get(ModelMetrics.LOAD).timer().totalTime(TimeUnit.NANOSECONDS) > 0);
        }
    }
}
