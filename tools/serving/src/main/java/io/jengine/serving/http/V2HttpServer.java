package io.jengine.serving.http;

import io.jengine.serving.InferenceServer;
import java.net.URI;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.GracefulHandler;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * An {@link InferenceServer} serving a {@link ModelRepository} over KServe's V2 REST protocol ({@link V2Routes}) on
 * Jetty. Jetty's selector and its pool of platform threads accept connections, parse requests and run each request's
 * handler, which blocks on the body and on the batcher's answer, or runs a lone request itself. Platform threads,
 * not a virtual thread per request: a lone request runs on its caller's thread, and the kernels keep their scratch
 * per thread, which a new virtual thread would build anew every time; pool threads keep theirs (digits_cnn at one
 * client, p50: 0.20-0.21 ms, against 0.39-0.45 on virtual threads handing every request to the model's worker).
 *
 * <p>{@link #close} stops accepting connections, lets every request in progress finish (each waits on an inference
 * the server answers), then closes the inference server, which answers whatever it still holds, then the metrics.
 */
public final class V2HttpServer implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(V2HttpServer.class.getName());

    private final PrometheusMetrics metrics;
    private final InferenceServer inference;
    private final ModelRepository repository;
    private final Server jetty;
    private final ServerConnector connector;

    private V2HttpServer(HttpOptions options) {
        metrics = new PrometheusMetrics();
        inference = new InferenceServer(metrics.registry(), options.shutdownTimeout());
        repository = new ModelRepository(options.repository(), inference, options.modelDefaults());
        QueuedThreadPool threads = new QueuedThreadPool();
        threads.setName("jengine-http");
        jetty = new Server(threads);
        HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false);
        http.setSendDateHeader(false);
        connector = new ServerConnector(jetty, new HttpConnectionFactory(http));
        connector.setHost(options.host());
        connector.setPort(options.port());
        jetty.addConnector(connector);
        V2Routes routes = new V2Routes(inference, repository, metrics, options);
        // GracefulHandler counts requests in progress, so that stop waits for them instead of cutting them off.
        jetty.setHandler(new GracefulHandler(new V2Handler(routes)));
        jetty.setErrorHandler(new JsonErrorHandler());
        jetty.setStopTimeout(options.shutdownTimeout().toMillis());
        jetty.setStopAtShutdown(false); // close() orders the shutdown: HTTP first, then the inference server
    }

    /**
     * Loads every model of the repository (one that fails is logged and skipped), then listens. Throws when the
     * port cannot be bound, having released what it started.
     */
    public static V2HttpServer start(HttpOptions options) {
        V2HttpServer s = new V2HttpServer(options);
        try {
            s.repository.loadAll();
            s.jetty.start();
        } catch (Exception e) {
            s.close();
            if (e instanceof RuntimeException r) throw r;
            throw new IllegalStateException("cannot listen on " + options.host() + ":" + options.port() + ": "
                    + e.getMessage(), e);
        }
        return s;
    }

    /** The port bound (the one picked when asked for 0). */
    public int port() { return connector.getLocalPort(); }

    public URI address() {
        String host = connector.getHost().contains(":") ? "[" + connector.getHost() + "]" : connector.getHost();
        return URI.create("http://" + host + ":" + port());
    }

    public InferenceServer inferenceServer() { return inference; }

    public ModelRepository repository() { return repository; }

    /** Blocks until the server has stopped. */
    public void join() throws InterruptedException { jetty.join(); }

    @Override
    public void close() {
        try {
            jetty.stop();
        } catch (Exception e) {
            LOG.log(System.Logger.Level.WARNING, "stopping the HTTP server: " + e.getMessage(), e);
        }
        try {
            inference.close();
        } finally {
            metrics.close();
        }
    }
}
