package io.jengine.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jengine.cli.loadgen.InferBody;
import io.jengine.cli.loadgen.LoadGenerator;
import io.jengine.cli.loadgen.LoadResult;
import io.jengine.io.Npy;
import io.jengine.serving.http.HttpOptions;
import io.jengine.serving.http.V2HttpServer;
import io.jengine.tensor.Tensor;
import java.io.PrintStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An open loop at three times the rate a server sustains (ResNet-18, one request at a time, a queue of 4): the excess
 * is refused at once with 429 or 503 or dropped at its timeout with 504, the rest is served, every request gets an
 * answer, none waits much past the timeout (the queue holds what it may and no more), and the server is healthy after.
 */
class ServedOverloadTest {
    /** A queued request not started within this is answered 504. */
    private static final Duration TIMEOUT = Duration.ofMillis(1500);

    @Test
    void threeTimesTheSustainableRateIsRefusedNotQueued(@TempDir Path repository) throws Exception {
        Path zoo = ZooModelsTest.zoo();
        Path version = Files.createDirectories(repository.resolve("resnet18/1"));
        Files.createSymbolicLink(version.resolve("model.onnx"), zoo.resolve("resnet18.onnx").toAbsolutePath());
        Files.writeString(repository.resolve("resnet18/config.json"), "{\"max_batch_size\": 0, \"max_queue_size\": 4,"
                + " \"default_timeout_microseconds\": " + TIMEOUT.toNanos() / 1000 + ", \"warmup_runs\": 3}");
        Map<String, Tensor> input = new LinkedHashMap<>();
        input.put("input", Npy.read(zoo.resolve("resnet18_io/input_input.npy")));
        InferBody body = InferBody.of(input, 0, true);
        PrintStream quiet = new PrintStream(OutputStream.nullOutputStream());
        try (V2HttpServer server = V2HttpServer.start(HttpOptions.of(repository).withPort(0))) {
            URI url = server.address();
            LoadResult sustained;
            try (LoadGenerator closed = new LoadGenerator(new LoadGenerator.Settings(url, "resnet18", 2, 0, 0,
                    Duration.ofSeconds(3), Duration.ofSeconds(2)), quiet)) {
                sustained = closed.run(body);
            }
            assertEquals(sustained.requests(), sustained.succeeded(), "a closed loop of 2 is within the queue");
            double rate = 3 * sustained.requestsPerSecond();
            LoadResult over;
            try (LoadGenerator open = new LoadGenerator(new LoadGenerator.Settings(url, "resnet18", 0, rate, 0,
                    Duration.ofSeconds(3), Duration.ZERO), quiet)) {
                over = open.run(body);
            }
            Map<String, Long> statuses = over.statuses();
            assertTrue(Set.of("200", "429", "503", "504").containsAll(statuses.keySet()),
                    "every request answered, with a result or a refusal: " + statuses);
            long ok = statuses.getOrDefault("200", 0L);
            assertTrue(ok > 0, "the server went on serving: " + statuses);
            // about 2/3 is excess; a tenth leaves room for a server that ran faster than while it was measured
            assertTrue(over.requests() - ok >= over.requests() / 10, "the excess is refused: " + statuses
                    + " at " + Math.round(rate) + " requests/s, sustained " + Math.round(sustained.requestsPerSecond()));
            long slowest = over.samples().stream().mapToLong(LoadGenerator.Sample::latencyNanos).max().orElseThrow();
            System.out.printf("overload: sustained %.1f requests/s; at %.1f/s for 3 s: %s, slowest answer %.0f ms%n",
                    sustained.requestsPerSecond(), rate, statuses, slowest / 1e6);
            assertTrue(slowest < TIMEOUT.toNanos() + Duration.ofSeconds(2).toNanos(),
                    "no request waits much past the timeout (a queue that grew would): " + slowest / 1e6 + " ms");

            HttpClient client = HttpClient.newHttpClient();
            HttpResponse<String> ready = client.send(HttpRequest.newBuilder(URI.create(url + "/v2/health/ready")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, ready.statusCode(), "ready after the overload");
            try (LoadGenerator after = new LoadGenerator(new LoadGenerator.Settings(url, "resnet18", 1, 0, 3, null,
                    Duration.ZERO), quiet)) {
                assertEquals(3, after.run(body).succeeded(), "and it serves as before");
            }
        }
    }
}
