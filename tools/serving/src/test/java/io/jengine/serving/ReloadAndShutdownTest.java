package io.jengine.serving;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Replacing a model and shutting down while clients are sending: no accepted request goes unanswered. */
class ReloadAndShutdownTest {
    static Digits digits;
    static final ModelConfig BATCHED = ModelConfig.builder().maxBatchSize(8).instanceCount(2).build();

    @BeforeAll
    static void reference() { digits = new Digits(); }

    @Test
    void reloadUnderLoadLosesNoRequest() throws Exception {
        int clients = 6;
        try (InferenceServer server = new InferenceServer(); ExecutorService pool = Executors.newFixedThreadPool(clients)) {
            server.load("digits", Digits.MODEL, BATCHED);
            ModelHandle model = server.model("digits");
            AtomicBoolean reloading = new AtomicBoolean(true);
            List<Future<Integer>> sent = new ArrayList<>();
            for (int c = 0; c < clients; c++) {
                int client = c;
                sent.add(pool.submit(() -> {
                    int n = 0;
                    // At least one pass over the images, and on until the reloads are done.
                    for (int i = client; i < Digits.COUNT || reloading.get(); i += clients, n++) {
                        int image = i % Digits.COUNT;
                        assertArrayEquals(digits.alone[image], model.infer(digits.request(image)).output("logits")
                                .toFloatArray(), "image " + image);
                    }
                    return n;
                }));
            }
            for (int r = 0; r < 3; r++) assertEquals(1, server.reload("digits", Digits.MODEL, BATCHED).version());
            server.reload("digits");
            reloading.set(false);
            int answered = 0;
            for (Future<Integer> f : sent) answered += f.get();
            assertTrue(answered >= Digits.COUNT);
            assertEquals(answered, server.meterRegistry().get(ModelMetrics.REQUESTS).tag("outcome", "success")
                    .counter().count(), "every request succeeded");
            assertEquals(5, server.meterRegistry().get(ModelMetrics.LOAD).timer().count(), "a load and four reloads");
            assertEquals(List.of("1"), model.metadata().versions());
        }
    }

    /** The old version's worker is held with requests queued; the reloaded one answers meanwhile, then the old does. */
    @Test
    void theNewVersionServesWhileTheOldFinishesWhatItAccepted() throws Exception {
        try (InferenceServer server = new InferenceServer()) {
            ModelHandle model = server.load("digits", Digits.MODEL, ModelConfig.defaults());
            List<CompletableFuture<InferenceResponse>> accepted = new ArrayList<>();
            try (WorkerGate _ = WorkerGate.hold(model, digits.request(0))) {
                for (int i = 1; i <= 5; i++) accepted.add(model.inferAsync(digits.request(i)));
                server.reload("digits");
                for (int i = 6; i <= 10; i++) {
                    assertArrayEquals(digits.alone[i], model.infer(digits.request(i)).output("logits").toFloatArray(),
                            "answered by the new engine while the old one is held");
                }
                assertTrue(accepted.stream().noneMatch(CompletableFuture::isDone));
            }
            for (int i = 1; i <= 5; i++) {
                assertArrayEquals(digits.alone[i], accepted.get(i - 1).get().output("logits").toFloatArray());
            }
        }
    }

    /** close() with requests queued behind a held worker: each is answered by the engine before it closes. */
    @Test
    void closeAnswersEveryAcceptedRequest() throws Exception {
        InferenceServer server = new InferenceServer();
        ModelHandle model = server.load("digits", Digits.MODEL, ModelConfig.builder().maxBatchSize(4).build());
        List<CompletableFuture<InferenceResponse>> queued = new ArrayList<>();
        WorkerGate gate = WorkerGate.hold(model, digits.request(0));
        for (int i = 1; i <= 20; i++) queued.add(model.inferAsync(digits.request(i)));
        Thread releaser = Thread.ofPlatform().start(() -> {
            // Let the worker go once close() has begun, so that it drains a queue that no longer takes requests.
            while (server.isReady()) sleep();
            gate.release();
        });
        server.close();
        releaser.join();
        for (int i = 1; i <= 20; i++) {
            assertTrue(queued.get(i - 1).isDone(), "answered before close() returned");
            assertArrayEquals(digits.alone[i], queued.get(i - 1).get().output("logits").toFloatArray());
        }
        assertFalse(server.isLive());
        ModelUnavailableException late = assertInstanceOf(ModelUnavailableException.class,
                assertThrows(ExecutionException.class, () -> model.inferAsync(digits.request(1)).get()).getCause());
        assertEquals("the server is shutting down; model 'digits' takes no new requests", late.getMessage());
        assertThrows(ModelUnavailableException.class, () -> server.load("other", Digits.MODEL, ModelConfig.defaults()));
    }

    /** Clients sending without pause while the server closes: every answer is a result or a clear refusal. */
    @Test
    void closeUnderLoadAnswersEveryRequest() throws Exception {
        int clients = 8;
        InferenceServer server = new InferenceServer();
        ModelHandle model = server.load("digits", Digits.MODEL, BATCHED);
        List<List<CompletableFuture<InferenceResponse>>> sent = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        AtomicBoolean started = new AtomicBoolean();
        for (int c = 0; c < clients; c++) {
            List<CompletableFuture<InferenceResponse>> mine = new ArrayList<>();
            sent.add(mine);
            int client = c;
            threads.add(Thread.ofPlatform().start(() -> {
                for (int i = client; ; i += clients) {
                    CompletableFuture<InferenceResponse> f = model.inferAsync(digits.request(i % Digits.COUNT));
                    mine.add(f);
                    started.set(true);
                    if (f.isCompletedExceptionally()) break; // refused: the server is closing
                    if (mine.size() % 16 == 0) f.join(); // keep the queue short of full
                }
            }));
        }
        while (!started.get()) sleep();
        server.close();
        for (Thread t : threads) t.join();
        int succeeded = 0;
        for (int c = 0; c < clients; c++) {
            List<CompletableFuture<InferenceResponse>> mine = sent.get(c);
            for (int k = 0; k < mine.size(); k++) {
                CompletableFuture<InferenceResponse> f = mine.get(k);
                assertTrue(f.isDone());
                if (k < mine.size() - 1) {
                    int image = (c + k * clients) % Digits.COUNT;
                    assertArrayEquals(digits.alone[image], f.get().output("logits").toFloatArray());
                    succeeded++;
                } else {
                    assertInstanceOf(ModelUnavailableException.class,
                            assertThrows(ExecutionException.class, f::get).getCause());
                }
            }
        }
        assertEquals(succeeded, server.meterRegistry().get(ModelMetrics.REQUESTS).tag("outcome", "success").counter()
                .count());
    }

    /** A shutdown that runs out of time answers what is queued with ModelUnavailableException and says so. */
    @Test
    void aShutdownOutOfTimeAnswersTheQueue() throws Exception {
        InferenceServer server = new InferenceServer();
        ModelHandle model = server.load("digits", Digits.MODEL, ModelConfig.defaults());
        CompletableFuture<InferenceResponse> queued;
        try (WorkerGate _ = WorkerGate.hold(model, digits.request(0))) {
            queued = model.inferAsync(digits.request(1));
            assertFalse(server.shutdown(Duration.ofMillis(50)));
            ModelUnavailableException e = assertInstanceOf(ModelUnavailableException.class,
                    assertThrows(ExecutionException.class, queued::get).getCause());
            assertEquals("the server shut down before the request to model 'digits' (version 1) ran (it waited 50 ms "
                    + "for the queue to drain)", e.getMessage());
        }
        assertEquals(1, server.meterRegistry().get(ModelMetrics.REQUESTS).tag("outcome", "rejected").counter().count());
    }

    private static void sleep() {
        try {
            Thread.sleep(1);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
