package io.jengine.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServeCommandTest {
    @TempDir
    Path tmp;

    @Test
    void aMissingRepositoryIsOneLineError() {
        String err = CliErrorsTest.failWith("serve", "--model-repository", tmp.resolve("missing").toString());
        assertTrue(err.contains("not a folder"), err);
    }

    @Test
    void aPortOutOfRangeIsOneLineError() {
        String err = CliErrorsTest.failWith("serve", "--model-repository", tmp.toString(), "--port", "70000");
        assertTrue(err.contains("port"), err);
    }

    @Test
    void servesOnAFreePortAndStopsWhenInterrupted() throws Exception {
        digitsRepository(tmp);
        Served served = serve("serve", "--model-repository", tmp.toString(), "--port", "0", "--threads", "1");
        try (HttpClient client = HttpClient.newHttpClient()) {
            HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create(served.address() + "/v2/models/digits"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, r.statusCode(), r.body());
            assertTrue(r.body().contains("\"name\":\"digits\""), r.body());
        }
        assertEquals(0, served.stop());
    }

    /** A repository in {@code dir} serving the digits example as model {@code digits}, version 1. */
    static void digitsRepository(Path dir) throws java.io.IOException {
        Path version = Files.createDirectories(dir.resolve("digits/1"));
        Files.copy(CliErrorsTest.DIGITS, version.resolve("model.onnx"));
    }

    /** A running {@code engine serve}: the address it printed, and its thread to stop. */
    record Served(String address, Thread thread, AtomicInteger code) {
        /** Interrupts the command (it drains and returns, as on Ctrl-C) and gives its exit code. */
        int stop() throws InterruptedException {
            thread.interrupt();
            thread.join();
            return code.get();
        }
    }

    /** Runs the CLI with {@code args} (a serve command) on a thread of its own, once it listens. */
    static Served serve(String... args) throws InterruptedException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream old = System.out;
        AtomicInteger code = new AtomicInteger(-1);
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            Thread serve = Thread.ofPlatform().start(() -> code.set(EngineCli.execute(args)));
            return new Served(awaitAddress(out, serve), serve, code);
        } finally {
            System.setOut(old);
        }
    }

    /** Waits for the line that names the bound address (the command prints it once it listens). */
    private static String awaitAddress(ByteArrayOutputStream out, Thread serve) throws InterruptedException {
        Pattern at = Pattern.compile("at (http://\\S+) ");
        while (serve.isAlive()) {
            Matcher m = at.matcher(out.toString(StandardCharsets.UTF_8));
            if (m.find()) return m.group(1);
            Thread.sleep(20);
        }
        throw new AssertionError("engine serve ended before listening: " + out.toString(StandardCharsets.UTF_8));
    }
}
