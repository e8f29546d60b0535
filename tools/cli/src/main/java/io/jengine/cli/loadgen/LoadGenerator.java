package io.jengine.cli.loadgen;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Pattern;
import org.apache.hc.client5.http.classic.methods.HttpGet;
import org.apache.hc.client5.http.classic.methods.HttpPost;
import org.apache.hc.client5.http.classic.methods.HttpUriRequestBase;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManager;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.io.entity.ByteArrayEntity;
import org.apache.hc.core5.http.io.entity.EntityUtils;
import org.apache.hc.core5.util.Timeout;

/**
 * Sends one prepared infer request over and over to a KServe V2 server on this machine and times every answer.
 *
 * <p>Closed loop: {@code concurrency} clients, each sending its next request when its previous answer arrives, so
 * the offered load follows the server's speed. Open loop: one request every {@code 1/rate} seconds whatever the
 * answers, each timed from when it was due rather than when it went out, so that a server (or a client) falling
 * behind shows as latency instead of quietly lowering the rate (coordinated omission). Either stops after
 * {@code maxRequests} requests or once {@code maxDuration} has passed, whichever comes first, and then waits for the
 * answers to the requests already sent. A warm-up of the same load goes first, untimed: in a young JVM the first
 * seconds of a client (and of a server) run code still being compiled.
 *
 * <p>Each request goes out and is answered on the thread that sends it (Apache HttpClient's classic, blocking API, one
 * kept-alive connection per client): the JDK's asynchronous client passes every request between its selector and its
 * executor, which cost more than the server's whole answer to a small model (0.57 against 0.16-0.37 ms per request on
 * loopback).
 */
public final class LoadGenerator implements AutoCloseable {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
    /** Longest wait for one answer; a request still unanswered then counts as failed. */
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(60);
    /** Header of Triton's binary tensor extension: the JSON part's byte count. */
    private static final String HEADER_LENGTH = "Inference-Header-Content-Length";

    /**
     * What to run. Exactly one of {@code concurrency} (closed loop) and {@code rate} (open loop, requests per
     * second) is above 0; {@code maxRequests} 0 means no count limit, {@code maxDuration} null no time limit.
     */
    public record Settings(URI url, String model, int concurrency, double rate, long maxRequests, Duration maxDuration,
                           Duration warmup) {
        public Settings {
            if ((concurrency > 0) == (rate > 0)) throw new IllegalArgumentException("give either --concurrency or --rate");
            if (maxRequests <= 0 && maxDuration == null) {
                throw new IllegalArgumentException("a run needs a bound: --requests or --duration");
            }
            if (warmup == null || warmup.isNegative()) throw new IllegalArgumentException("warm-up must be 0 or more");
        }

        boolean openLoop() { return rate > 0; }
    }

    /** One request: when it was sent (open loop: due) after the start, how long until its answer, its status. */
    public record Sample(long sentNanos, long latencyNanos, int status) {
        /** Status of a request that got no HTTP answer (connection refused or reset, timed out). */
        public static final int NO_ANSWER = 0;

        public boolean ok() { return status == 200; }
    }

    /** Connections kept for an open-loop run: one per request in flight, up to this many. */
    private static final int OPEN_LOOP_CONNECTIONS = 1024;

    private final Settings settings;
    private final CloseableHttpClient client;
    private final PrintStream progress;

    /** Refuses {@code url} unless it names this machine: this tool must never load someone else's server. */
    public LoadGenerator(Settings settings, PrintStream progress) {
        requireLoopback(settings.url());
        this.settings = settings;
        this.progress = progress;
        int connections = settings.openLoop() ? OPEN_LOOP_CONNECTIONS : settings.concurrency();
        PoolingHttpClientConnectionManager pool = PoolingHttpClientConnectionManagerBuilder.create()
                .setMaxConnTotal(connections).setMaxConnPerRoute(connections)
                .setDefaultConnectionConfig(ConnectionConfig.custom().setConnectTimeout(Timeout.ofSeconds(10))
                        .setSocketTimeout(Timeout.of(REQUEST_TIMEOUT)).build())
                .build();
        this.client = HttpClients.custom().setConnectionManager(pool).disableAutomaticRetries()
                .disableCookieManagement().disableRedirectHandling().setUserAgent("jengine-loadgen")
                .setDefaultRequestConfig(RequestConfig.custom().setResponseTimeout(Timeout.of(REQUEST_TIMEOUT))
                        .build())
                .build();
    }

    /** Throws unless {@code url} is http(s) to 127.0.0.0/8, ::1 or localhost; never resolves a name. */
    public static void requireLoopback(URI url) {
        String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
        String host = url.getHost();
        if (!scheme.equals("http") && !scheme.equals("https") || host == null) {
            throw new IllegalArgumentException("--url " + url + ": expected http://127.0.0.1:PORT (or ::1, localhost)");
        }
        String bare = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        boolean loopback = bare.equalsIgnoreCase("localhost");
        if (!loopback && (IPV4.matcher(bare).matches() || bare.contains(":"))) {
            try {
                // A literal address: getByName parses it without any lookup.
                loopback = InetAddress.getByName(bare).isLoopbackAddress();
            } catch (UnknownHostException e) {
                loopback = false;
            }
        }
        if (!loopback) {
            throw new IllegalArgumentException("--url " + url + ": host '" + host + "' is not a loopback address; "
                    + "engine loadgen only loads a server on this machine (127.0.0.1, ::1, localhost)");
        }
    }

    /** The model's V2 metadata; a missing model or an unreachable server is a clear error. */
    public JsonNode metadata() {
        URI uri = modelUri("");
        Answer r;
        try {
            r = exchange(new HttpGet(uri));
        } catch (IOException e) {
            throw new IllegalArgumentException("no KServe V2 server answers at " + settings.url() + " ("
                    + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage()) + ")");
        }
        String text = r.text();
        if (r.status() == 404) {
            throw new IllegalArgumentException("model '" + settings.model() + "' is not served at " + settings.url()
                    + " (GET " + uri.getPath() + ": 404 " + text.strip() + ")");
        }
        if (r.status() != 200) {
            throw new IllegalArgumentException("GET " + uri + " answered " + r.status() + ": " + text.strip());
        }
        try {
            return MAPPER.readTree(r.body());
        } catch (IOException e) {
            throw new IllegalArgumentException("GET " + uri + " did not answer JSON: " + text.strip());
        }
    }

    /** A status and body read whole. */
    private record Answer(int status, byte[] body) {
        String text() { return new String(body, StandardCharsets.UTF_8); }
    }

    private Answer exchange(HttpUriRequestBase request) throws IOException {
        return client.execute(request, response -> new Answer(response.getCode(),
                response.getEntity() == null ? new byte[0] : EntityUtils.toByteArray(response.getEntity())));
    }

    /**
     * Sends {@code body} once, before any timing, so that a request the server can never accept (a wrong input
     * name, shape or datatype) is one clear error rather than a run of failures; busy answers (429, 503) pass.
     */
    public void check(InferBody body) {
        Answer r;
        try {
            r = exchange(inferRequest(body));
        } catch (IOException e) {
            throw new IllegalArgumentException("POST " + modelUri("/infer") + " failed: " + e);
        }
        int s = r.status();
        if (s != 200 && s != 429 && s != 503) {
            String text = r.text().length() > 400 ? r.text().substring(0, 400) + "..." : r.text();
            throw new IllegalArgumentException("the server refuses the request (" + s + "): " + text.strip());
        }
    }

    /** Sends {@code body} once and returns the answer's HTTP status (its body is read and dropped). */
    public int sendOnce(InferBody body) throws IOException {
        return client.execute(inferRequest(body), response -> {
            EntityUtils.consume(response.getEntity());
            return response.getCode();
        });
    }

    private HttpPost inferRequest(InferBody body) {
        HttpPost post = new HttpPost(modelUri("/infer"));
        post.setEntity(new ByteArrayEntity(body.body(), body.jsonLength() >= 0 ? ContentType.APPLICATION_OCTET_STREAM
                : ContentType.APPLICATION_JSON));
        if (body.jsonLength() >= 0) post.setHeader(HEADER_LENGTH, Integer.toString(body.jsonLength()));
        return post;
    }

    /** Runs the warm-up, then the load, and returns every timed request's sample, in no particular order. */
    public LoadResult run(InferBody body) throws InterruptedException {
        if (!settings.warmup().isZero()) {
            progress.printf(Locale.ROOT, "warming up for %.1f s ...%n", settings.warmup().toNanos() / 1e9);
            load(body, settings.warmup(), Long.MAX_VALUE, null);
        }
        long[] end = new long[1];
        List<Sample> samples = load(body, settings.maxDuration(),
                settings.maxRequests() > 0 ? settings.maxRequests() : Long.MAX_VALUE, end);
        progress.println();
        return new LoadResult(settings, body.batch(), body.jsonLength() >= 0, samples, end[0]);
    }

    /**
     * One phase of load: for {@code duration} (null: no limit) or {@code limit} requests, whichever ends first;
     * {@code end}, when given, receives the time of the last answer after the phase's start (and progress is shown).
     */
    private List<Sample> load(InferBody body, Duration duration, long limit, long[] end) throws InterruptedException {
        ConcurrentLinkedQueue<Sample> samples = new ConcurrentLinkedQueue<>();
        AtomicLong failures = new AtomicLong(), answers = new AtomicLong();
        long start = System.nanoTime();
        long deadline = duration == null ? Long.MAX_VALUE : start + duration.toNanos();
        Thread reporter = end == null ? null : Thread.ofVirtual().start(() -> report(start, answers, failures));
        // Open loop: a virtual thread per request, as many in flight as the server lets queue. Closed loop: a
        // platform thread per client, which sleeps in the socket read itself until its answer comes.
        try (ExecutorService senders = settings.openLoop() ? Executors.newVirtualThreadPerTaskExecutor()
                : Executors.newThreadPerTaskExecutor(Thread.ofPlatform().daemon().name("loadgen-client-", 0).factory())) {
            if (settings.openLoop()) {
                double period = 1e9 / settings.rate();
                for (long i = 0; i < limit; i++) {
                    long due = start + Math.round(i * period);
                    if (due >= deadline) break;
                    long wait = due - System.nanoTime();
                    while (wait > 0) {
                        LockSupport.parkNanos(wait);
                        if (Thread.interrupted()) throw new InterruptedException();
                        wait = due - System.nanoTime();
                    }
                    senders.submit(() -> send(body, start, due, samples, answers, failures));
                }
            } else {
                AtomicLong claimed = new AtomicLong();
                for (int c = 0; c < settings.concurrency(); c++) {
                    senders.submit(() -> {
                        while (System.nanoTime() < deadline && claimed.getAndIncrement() < limit) {
                            send(body, start, System.nanoTime(), samples, answers, failures);
                        }
                    });
                }
            }
        } finally {
            if (reporter != null) reporter.interrupt();
        }
        if (end != null) end[0] = samples.stream().mapToLong(s -> s.sentNanos() + s.latencyNanos()).max().orElse(0);
        return List.copyOf(samples);
    }

    private void send(InferBody body, long start, long sent, ConcurrentLinkedQueue<Sample> samples,
                      AtomicLong answers, AtomicLong failures) {
        int status;
        try {
            // The body is read and dropped: the load generator times answers, it does not check them.
            status = client.execute(inferRequest(body), response -> {
                EntityUtils.consume(response.getEntity());
                return response.getCode();
            });
        } catch (IOException e) {
            status = Sample.NO_ANSWER;
        }
        if (status != 200) failures.incrementAndGet();
        samples.add(new Sample(sent - start, System.nanoTime() - sent, status));
        answers.incrementAndGet();
    }

    /** Once a second, on one stderr line that rewrites itself: elapsed time, answers and failures so far. */
    private void report(long start, AtomicLong answers, AtomicLong failures) {
        try {
            while (true) {
                Thread.sleep(1000);
                progress.printf(Locale.ROOT, "\r%5.1f s: %d answers, %d failed", (System.nanoTime() - start) / 1e9,
                        answers.get(), failures.get());
                progress.flush();
            }
        } catch (InterruptedException e) {
            // the run is over
        }
    }

    @Override
    public void close() {
        try {
            client.close();
        } catch (IOException e) {
            // nothing is left to send or read: a connection that fails to close changes no result
        }
    }

    private URI modelUri(String suffix) {
        String base = settings.url().toString().replaceAll("/+$", "");
        return URI.create(base + "/v2/models/" + java.net.URLEncoder.encode(settings.model(),
                java.nio.charset.StandardCharsets.UTF_8).replace("+", "%20") + suffix);
    }
}
