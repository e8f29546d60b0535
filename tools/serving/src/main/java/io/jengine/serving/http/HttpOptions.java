package io.jengine.serving.http;

import io.jengine.serving.InferenceServer;
import io.jengine.serving.ModelConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * How {@link V2HttpServer} listens and what it accepts.
 *
 * @param repository        the model repository folder ({@link ModelRepository})
 * @param host              the address to bind; loopback by default, so that nothing is exposed unless asked
 * @param port              the port; 0 picks a free one ({@link V2HttpServer#port} tells which)
 * @param engineThreads     intra-op threads of each run for models whose config.json does not say; 0: the engine's
 * @param maxRequestBytes   the largest request body; a larger one is a 413 before it is read
 * @param maxTensorElements the most elements one input tensor may declare; checked before anything is allocated
 * @param shutdownTimeout   how long a shutdown waits for accepted requests to be answered
 * @param plugins           plugin jars every model is built with (a model's config.json may add its own)
 */
public record HttpOptions(Path repository, String host, int port, int engineThreads, long maxRequestBytes,
                          long maxTensorElements, Duration shutdownTimeout, java.util.List<Path> plugins) {
    public static final String DEFAULT_HOST = "127.0.0.1";
    public static final int DEFAULT_PORT = 8000;
    /** 64 MiB: a batch of 64 float32 images of 3 × 224 × 224 as JSON text, or four times that in binary. */
    public static final long DEFAULT_MAX_REQUEST_BYTES = 64L << 20;

    public HttpOptions {
        Objects.requireNonNull(repository, "repository");
        Objects.requireNonNull(host, "host");
        if (port < 0 || port > 65535) throw new IllegalArgumentException("port must be 0..65535, got " + port);
        if (engineThreads < 0) throw new IllegalArgumentException("threads must be 0 (default) or positive");
        // A body is read into one array.
        if (maxRequestBytes < 1 || maxRequestBytes > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("max request bytes must be 1.." + (Integer.MAX_VALUE - 8));
        }
        if (maxTensorElements < 1) throw new IllegalArgumentException("max tensor elements must be positive");
        Objects.requireNonNull(shutdownTimeout, "shutdownTimeout");
        plugins = java.util.List.copyOf(plugins == null ? java.util.List.of() : plugins);
    }

    /** Every model built with these plugin jars too. */
    public HttpOptions withPlugins(java.util.List<Path> jars) {
        return new HttpOptions(repository, host, port, engineThreads, maxRequestBytes, maxTensorElements,
                shutdownTimeout, jars);
    }

    /** Loopback, port {@value #DEFAULT_PORT}, 64 MiB bodies, {@link ModelConfig#DEFAULT_MAX_ELEMENTS} per tensor. */
    public static HttpOptions of(Path repository) {
        return new HttpOptions(repository, DEFAULT_HOST, DEFAULT_PORT, 0, DEFAULT_MAX_REQUEST_BYTES,
                ModelConfig.DEFAULT_MAX_ELEMENTS, InferenceServer.DEFAULT_SHUTDOWN_TIMEOUT, java.util.List.of());
    }

    public HttpOptions withHost(String h) {
        return new HttpOptions(repository, h, port, engineThreads, maxRequestBytes, maxTensorElements, shutdownTimeout,
                plugins);
    }

    public HttpOptions withPort(int p) {
        return new HttpOptions(repository, host, p, engineThreads, maxRequestBytes, maxTensorElements, shutdownTimeout,
                plugins);
    }

    public HttpOptions withEngineThreads(int n) {
        return new HttpOptions(repository, host, port, n, maxRequestBytes, maxTensorElements, shutdownTimeout,
                plugins);
    }

    public HttpOptions withMaxRequestBytes(long n) {
        return new HttpOptions(repository, host, port, engineThreads, n, maxTensorElements, shutdownTimeout,
                plugins);
    }

    public HttpOptions withMaxTensorElements(long n) {
        return new HttpOptions(repository, host, port, engineThreads, maxRequestBytes, n, shutdownTimeout, plugins);
    }

    /** The config of a model whose folder has no config.json. */
    ModelConfig modelDefaults() {
        return ModelConfig.builder().engineThreads(engineThreads).maxElementsPerTensor(maxTensorElements)
                .plugins(plugins).build();
    }
}
