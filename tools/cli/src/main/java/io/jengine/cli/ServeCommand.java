package io.jengine.cli;

import io.jengine.serving.http.HttpOptions;
import io.jengine.serving.http.V2HttpServer;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code engine serve}: serves a model repository over KServe's V2 REST protocol until SIGTERM or Ctrl-C, then
 * stops taking connections, answers every request it accepted and exits.
 */
@Command(name = "serve", description = "Serve a model repository over KServe's V2 (Open Inference) REST protocol.")
final class ServeCommand implements Callable<Integer> {
    @Option(names = "--model-repository", required = true, paramLabel = "DIR",
            description = "Models as DIR/NAME/VERSION/model.onnx or model.plan, with an optional DIR/NAME/config.json.")
    Path repository;

    @Option(names = "--host", paramLabel = "ADDR", description = "Address to bind (default: ${DEFAULT-VALUE}).")
    String host = HttpOptions.DEFAULT_HOST;

    @Option(names = "--port", paramLabel = "N", description = "Port; 0 picks a free one (default: ${DEFAULT-VALUE}).")
    int port = HttpOptions.DEFAULT_PORT;

    @Option(names = "--threads", paramLabel = "N",
            description = "Intra-op threads of each run for models whose config.json does not say (default: the "
                    + "engine's).")
    int threads;

    @Option(names = "--max-request-bytes", paramLabel = "N",
            description = "Largest request body; a larger one is refused with 413 (default: ${DEFAULT-VALUE}).")
    long maxRequestBytes = HttpOptions.DEFAULT_MAX_REQUEST_BYTES;

    @Option(names = "--max-tensor-elements", paramLabel = "N",
            description = "Most elements one input tensor may declare (default: ${DEFAULT-VALUE}).")
    long maxTensorElements = io.jengine.serving.ModelConfig.DEFAULT_MAX_ELEMENTS;

    @picocli.CommandLine.Mixin
    PluginOptions plugins = new PluginOptions();

    @Override
    public Integer call() {
        List<Path> jars = plugins.load().stream().map(io.jengine.plugin.Plugin::jar).toList(); // checked before serving
        HttpOptions options = HttpOptions.of(repository).withHost(host).withPort(port).withEngineThreads(threads)
                .withMaxRequestBytes(maxRequestBytes).withMaxTensorElements(maxTensorElements).withPlugins(jars);
        V2HttpServer server = V2HttpServer.start(options);
        // The JVM runs this on SIGTERM and Ctrl-C; close() drains HTTP first, then the inference server.
        Thread hook = Thread.ofPlatform().name("jengine-serve-shutdown").unstarted(() -> {
            System.err.println("shutting down: answering the requests already accepted");
            server.close();
        });
        Runtime.getRuntime().addShutdownHook(hook);
        System.out.println("serving " + server.inferenceServer().models().size() + " model version(s) from "
                + repository + " at " + server.address() + " (KServe V2; GET /v2, /metrics)");
        System.out.flush();
        try {
            server.join();
        } catch (InterruptedException e) {
            // Interrupting the command's thread (an embedding program, a test) shuts down as a signal would.
            Runtime.getRuntime().removeShutdownHook(hook);
            server.close();
            Thread.currentThread().interrupt();
        }
        return 0;
    }
}
