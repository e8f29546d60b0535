package io.jengine.serving.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.jengine.serving.Digits;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A {@link V2HttpServer} on a free loopback port over a temporary model repository: {@code digits} (the shipped
 * digits model, batching up to 8 and warmed at load, from config.json), {@code digits2} (a copy to load and unload), {@code broken} (a
 * file of garbage) and, outside the repository, {@code outside} (a good model no request may reach).
 */
final class TestServer implements AutoCloseable {
    /** Small enough that a test can exceed it cheaply, large enough for a batch of 8 images as JSON. */
    static final long MAX_BODY = 64 * 1024;
    static final long MAX_ELEMENTS = 1 << 20;

    final Path root;
    final Path repository;
    final V2HttpServer server;
    final HttpClient client = HttpClient.newHttpClient();

    /** A response: status, body and the binary header length (-1 without). */
    record Answer(int status, byte[] body, long jsonLength, String contentType) {
        String text() { return new String(body, StandardCharsets.UTF_8); }

        JsonNode json() {
            try {
                return Json.MAPPER.readTree(body, 0, jsonLength < 0 ? body.length : (int) jsonLength);
            } catch (IOException e) {
                throw new UncheckedIOException("not JSON (" + status + "): " + text(), e);
            }
        }
    }

    TestServer(Path root) throws IOException {
        this.root = root;
        repository = Files.createDirectories(root.resolve("models"));
        model("digits", 1);
        Files.writeString(repository.resolve("digits/config.json"),
                "{\"max_batch_size\": 8, \"max_queue_delay_microseconds\": 0, \"warmup_runs\": 2}");
        model("digits2", 1);
        Files.createDirectories(repository.resolve("broken/1"));
        Files.writeString(repository.resolve("broken/1/model.onnx"), "this is not an ONNX model");
        Files.createDirectories(root.resolve("outside/1"));
        Files.copy(Digits.MODEL, root.resolve("outside/1/model.onnx"));
        server = V2HttpServer.start(HttpOptions.of(repository).withPort(0).withMaxRequestBytes(MAX_BODY)
                .withMaxTensorElements(MAX_ELEMENTS));
    }

    private void model(String name, int version) throws IOException {
        Path dir = Files.createDirectories(repository.resolve(name).resolve(Integer.toString(version)));
        Files.copy(Digits.MODEL, dir.resolve("model.onnx"));
    }

    Answer get(String path) { return send(HttpRequest.newBuilder(uri(path)).GET().build()); }

    Answer post(String path, String json) { return post(path, json.getBytes(StandardCharsets.UTF_8), -1); }

    /** POSTs {@code body}; with {@code jsonLength} at 0 or above, as a binary tensor request. */
    Answer post(String path, byte[] body, int jsonLength) {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri(path)).POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (jsonLength >= 0) b.header(V2Routes.HEADER_LENGTH, Integer.toString(jsonLength));
        return send(b.build());
    }

    /** POSTs {@code body} without a length (chunked transfer encoding), as a client streaming it does. */
    Answer postChunked(String path, byte[] body) {
        return send(HttpRequest.newBuilder(uri(path))
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(body))).build());
    }

    URI uri(String path) { return URI.create(server.address() + path); }

    private Answer send(HttpRequest request) {
        try {
            HttpResponse<byte[]> r = client.send(request, HttpResponse.BodyHandlers.ofByteArray());
            return new Answer(r.statusCode(), r.body(),
                    r.headers().firstValueAsLong(V2Routes.HEADER_LENGTH).orElse(-1),
                    r.headers().firstValue("Content-Type").orElse(""));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        server.close();
        client.close();
    }
}
