package io.jengine.serving;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jengine.tensor.Tensor;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The queue in front of a model: bounded, with timeouts and cancellation, and a worker that outlives a failed batch.
 * Each test holds the only worker ({@link WorkerGate}) while it queues requests, so nothing depends on timing.
 */
class QueueTest {
    static Digits digits;

    @BeforeAll
    static void reference() { digits = new Digits(); }

    static ModelConfig oneByOne(int queueSize) { return ModelConfig.builder().maxQueueSize(queueSize).build(); }

    static double count(MeterRegistry registry, String outcome) {
        return registry.get(ModelMetrics.REQUESTS).tag("outcome", outcome).counter().count();
    }

    static Throwable failure(CompletableFuture<?> f) {
        return assertThrows(ExecutionException.class, f::get).getCause();
    }

    @Test
    void aFullQueueRefusesAtOnce() throws Exception {
        try (InferenceServer server = new InferenceServer()) {
            ModelHandle model = server.load("digits", Digits.MODEL, oneByOne(2));
            CompletableFuture<InferenceResponse> second, third, refused;
            try (WorkerGate _ = WorkerGate.hold(model, digits.request(0))) {
                second = model.inferAsync(digits.request(1));
                third = model.inferAsync(digits.request(2));
                refused = model.inferAsync(digits.request(3));
                assertTrue(refused.isDone(), "refused without waiting");
                ServerBusyException busy = assertInstanceOf(ServerBusyException.class, failure(refused));
                assertEquals("model 'digits' (version 1) has 2 requests queued (its maxQueueSize); try again later",
                        busy.getMessage());
                assertEquals(2, server.meterRegistry().get(ModelMetrics.DEPTH).gauge().value());
            }
            assertArrayEquals(digits.alone[1], second.get().output("logits").toFloatArray());
            assertArrayEquals(digits.alone[2], third.get().output("logits").toFloatArray());
            assertEquals(1, count(server.meterRegistry(), "rejected"));
        }
    }

    @Test
    void aRequestPastItsTimeoutIsAnsweredWithoutRunning() throws Exception {
        try (InferenceServer server = new InferenceServer()) {
            ModelHandle model = server.load("digits", Digits.MODEL,
                    oneByOne(8).toBuilder().defaultTimeout(Duration.ofMillis(50)).build());
            CompletableFuture<InferenceResponse> own, byDefault, patient;
            int held;
            try (WorkerGate gate = WorkerGate.hold(model, InferenceRequest.builder().input("image", digits.image(0))
                    .timeout(Duration.ofHours(1)).build())) {
                own = model.inferAsync(InferenceRequest.builder().id("late").input("image", digits.image(1))
                        .timeout(Duration.ofMillis(20)).build());
                byDefault = model.inferAsync(digits.request(2));
                patient = model.inferAsync(InferenceRequest.builder().input("image", digits.image(3))
                        .timeout(Duration.ofHours(1)).build());
                // The worker is held: these can only end by their deadline.
                RequestTimeoutException late = assertInstanceOf(RequestTimeoutException.class, failure(own));
                assertEquals("request 'late' to model 'digits' (version 1) waited 20 ms (its timeout) without starting",
                        late.getMessage());
                assertInstanceOf(RequestTimeoutException.class, failure(byDefault));
                assertFalse(patient.isDone());
                held = gate.sent();
            }
            assertArrayEquals(digits.alone[3], patient.get().output("logits").toFloatArray());
            assertEquals(2, count(server.meterRegistry(), "timeout"));
            // The held request and the patient one ran; the two that timed out did not.
            assertEquals(held + 1, server.meterRegistry().get(ModelMetrics.BATCH).summary().count());
        }
    }

    @Test
    void aCancelledRequestIsSkipped() throws Exception {
        try (InferenceServer server = new InferenceServer()) {
            ModelHandle model = server.load("digits", Digits.MODEL, oneByOne(8));
            CompletableFuture<InferenceResponse> cancelled, next;
            int held;
            try (WorkerGate gate = WorkerGate.hold(model, digits.request(0))) {
                held = gate.sent();
                cancelled = model.inferAsync(digits.request(1));
                next = model.inferAsync(digits.request(2));
                assertTrue(cancelled.cancel(false));
                assertEquals(1, server.meterRegistry().get(ModelMetrics.DEPTH).gauge().value(),
                        "a cancelled request leaves the queue at once");
            }
            assertArrayEquals(digits.alone[2], next.get().output("logits").toFloatArray());
            assertThrows(CancellationException.class, cancelled::get);
            assertEquals(1, count(server.meterRegistry(), "cancelled"));
            assertEquals(held + 1, server.meterRegistry().get(ModelMetrics.BATCH).summary().count(), "it never ran");
        }
    }

    /** A request whose input is closed after it was accepted makes its run fail; the worker serves the next one. */
    @Test
    void anEngineErrorFailsOnlyItsBatch() throws Exception {
        try (InferenceServer server = new InferenceServer()) {
            ModelHandle model = server.load("digits", Digits.MODEL, oneByOne(8));
            CompletableFuture<InferenceResponse> broken, next;
            try (WorkerGate _ = WorkerGate.hold(model, digits.request(0))) {
                Tensor input = digits.image(1);
                broken = model.inferAsync(InferenceRequest.of(Map.of("image", input)));
                next = model.inferAsync(digits.request(2));
                input.close();
            }
            InferenceFailedException failed = assertInstanceOf(InferenceFailedException.class, failure(broken));
            assertTrue(failed.getMessage().startsWith("model 'digits' (version 1) failed on a batch of 1 request(s): "),
                    failed.getMessage());
            assertTrue(failed.getMessage().contains("closed"), failed.getMessage());
            assertArrayEquals(digits.alone[2], next.get().output("logits").toFloatArray());
            assertEquals(1, count(server.meterRegistry(), "failure"));
        }
    }
}
