package io.jengine.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jengine.cli.loadgen.LoadGenerator;
import io.jengine.serving.http.HttpOptions;
import io.jengine.serving.http.V2HttpServer;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code engine loadgen} against a real V2 server on a free loopback port serving the digits model. */
class LoadgenCommandTest {
    @TempDir
    static Path repository;
    @TempDir
    Path tmp;

    static V2HttpServer server;

    @BeforeAll
    static void start() throws Exception {
        Path version = Files.createDirectories(repository.resolve("digits/1"));
        Files.copy(CliErrorsTest.DIGITS, version.resolve("model.onnx"));
        // Batching up to 8 so that --batch requests are accepted as they would be by a configured engine serve.
        Files.writeString(repository.resolve("digits/config.json"), "{\"max_batch_size\": 8}");
        server = V2HttpServer.start(HttpOptions.of(repository).withPort(0));
    }

    @AfterAll
    static void stop() { server.close(); }

    private static JsonNode report(Path file) throws Exception { return new ObjectMapper().readTree(file.toFile()); }

    @Test
    void closedLoopSendsTheRequestedCountAndReportsEveryField() throws Exception {
        Path json = tmp.resolve("report.json");
        assertEquals(0, EngineCli.execute("loadgen", "--url", server.address().toString(), "--model", "digits",
                "--concurrency", "4", "--requests", "40", "--json", json.toString()));
        JsonNode r = report(json);
        assertEquals(40, r.get("requests").asLong());
        assertEquals(40, r.get("succeeded").asLong());
        assertEquals(0, r.get("failed").asLong());
        assertEquals(40, r.path("status").path("200").asLong());
        assertEquals("closed", r.get("mode").asText());
        assertEquals(LoadgenCommand.DEFAULT_WARMUP, r.get("warmup_s").asDouble(), "untimed, so not among the 40");
        for (String f : new String[] {"min", "mean", "p50", "p90", "p95", "p99", "max"}) {
            assertTrue(r.path("latency_ms").has(f), f);
        }
        assertTrue(r.get("requests_per_s").asDouble() > 0);
        assertTrue(r.has("inferences_per_s"));
    }

    @Test
    void openLoopAtAModestRateWithBinaryTensorsFromAFileAndAPlot() throws Exception {
        Path json = tmp.resolve("open.json");
        Path plot = tmp.resolve("open.png");
        assertEquals(0, EngineCli.execute("loadgen", "--url", server.address().toString(), "--model", "digits",
                "--input", "image=" + CliErrorsTest.IMAGES, "--batch", "3", "--binary", "--rate", "50",
                "--requests", "20", "--warmup", "0", "--json", json.toString(), "--plot", plot.toString()));
        JsonNode r = report(json);
        assertEquals("open", r.get("mode").asText());
        assertEquals(0, r.get("warmup_s").asDouble());
        assertEquals(20, r.get("succeeded").asLong());
        assertEquals(3, r.get("batch").asLong());
        assertEquals(3 * r.get("requests_per_s").asDouble(), r.get("inferences_per_s").asDouble(), 1e-6);
        assertTrue(Files.size(plot) > 0);
    }

    @Test
    void aRemoteUrlIsRefused() {
        String err = CliErrorsTest.failWith("loadgen", "--url", "http://example.com:8000", "--model", "digits",
                "--requests", "1");
        assertTrue(err.contains("not a loopback address"), err);
        for (String ok : new String[] {"http://127.0.0.1:1", "http://[::1]:1", "http://localhost:1"}) {
            LoadGenerator.requireLoopback(URI.create(ok));
        }
        for (String bad : new String[] {"http://10.0.0.1:8000", "http://192.168.1.2", "http://localhost.evil.org/",
                "file:///etc/passwd"}) {
            assertThrows(IllegalArgumentException.class, () -> LoadGenerator.requireLoopback(URI.create(bad)), bad);
        }
    }

    @Test
    void anUnknownModelIsAClearError() {
        String err = CliErrorsTest.failWith("loadgen", "--url", server.address().toString(), "--model", "nosuch",
                "--requests", "1");
        assertTrue(err.contains("model 'nosuch' is not served"), err);
    }
}
