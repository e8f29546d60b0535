package io.jengine.cli.loadgen;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Pattern;

/**
 * Sends one prepared infer request over and over to a KServe V2 server on this machine and times every answer.
 *
 * <p>Closed loop: {@code concurrency} clients, each sending its next request when its previous answer arrives, so
 * the offered load follows the server's speed. Open loop: one request every {@code 1/rate} seconds whatever the
 * answers, each timed from when it was due rather than when it went out, so that a server (or a client) falling
 * behind shows as latency instead of quietly lowering the rate (coordinated omission). Either stops after
 * {@code maxRequests} requests or once {@code maxDuration} has passed, whichever comes first, and then waits for the
 * answers to the requests already sent.
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
    public record Settings(URI url, String model, int concurrency, double rate, long maxRequests, Duration maxDuration) {
        public Settings {
            if ((concurrency > 0) == (rate > 0)) throw new IllegalArgumentException("give either --concurrency or --rate");
            if (maxRequests <= 0 && maxDuration == null) {
                throw new IllegalArgumentException("a run needs a bound: --requests or --duration");
            }
        }

        boolean openLoop() { return rate > 0; }
    }

    /** One request: when it was sent (open loop: due) after the start, how long until its answer, its status. */
    public record Sample(long sentNanos, long latencyNanos, int status) {
        /** Status of a request that got no HTTP answer (connection refused or reset, timed out). */
        public static final int NO_ANSWER = 0;

        public boolean ok() { return status == 200; }
    }

    private final Settings settings;
    private final HttpClient client;
    private final PrintStream progress;

    /** Refuses {@code url} unless it names this machine: this tool must never load someone else's server. */
    public LoadGenerator(Settings settings, PrintStream progress) {
        requireLoopback(settings.url());
        this.settings = settings;
        this.progress = progress;
        this.client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .executor(Executors.newVirtualThreadPerTaskExecutor()).connectTimeout(Duration.ofSeconds(10)).build();
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
        HttpResponse<byte[]> r;
        try {
            r = client.send(HttpRequest.newBuilder(uri).timeout(REQUEST_TIMEOUT).GET().build(),
                    HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new IllegalArgumentException("no KServe V2 server answers at " + settings.url() + " ("
                    + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage()) + ")");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
        String text = new String(r.body(), java.nio.charset.StandardCharsets.UTF_8);
        if (r.statusCode() == 404) {
            throw new IllegalArgumentException("model '" + settings.model() + "' is not served at " + settings.url()
                    + " (GET " + uri.getPath() + ": 404 " + text.strip() + ")");
        }
        if (r.statusCode() != 200) {
            throw new IllegalArgumentException("GET " + uri + " answered " + r.statusCode() + ": " + text.strip());
        }
        try {
            return MAPPER.readTree(r.body());
        } catch (IOException e) {
            throw new IllegalArgumentException("GET " + uri + " did not answer JSON: " + text.strip());
        }
    }

    /**
     * Sends {@code body} once, before any timing, so that a request the server can never accept (a wrong input
     * name, shape or datatype) is one clear error rather than a run of failures; busy answers (429, 503) pass.
     */
    public void check(InferBody body) throws InterruptedException {
        HttpResponse<String> r;
        try {
            r = client.send(inferRequest(body), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IllegalArgumentException("POST " + modelUri("/infer") + " failed: " + e);
        }
        int s = r.statusCode();
        if (s != 200 && s != 429 && s != 503) {
            String text = r.body().length() > 400 ? r.body().substring(0, 400) + "..." : r.body();
            throw new IllegalArgumentException("the server refuses the request (" + s + "): " + text.strip());
        }
    }

    private HttpRequest inferRequest(InferBody body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(modelUri("/infer")).timeout(REQUEST_TIMEOUT)
                .header("Content-Type", body.jsonLength() >= 0 ? "application/octet-stream" : "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body.body()));
        if (body.jsonLength() >= 0) b.header(HEADER_LENGTH, Integer.toString(body.jsonLength()));
        return b.build();
    }

    /** Runs the load and returns every request's sample, in no particular order. */
    public LoadResult run(InferBody body) throws InterruptedException {
        HttpRequest request = inferRequest(body);
        ConcurrentLinkedQueue<Sample> samples = new ConcurrentLinkedQueue<>();
        AtomicLong failures = new AtomicLong(), answers = new AtomicLong();
        long start = System.nanoTime();
        long deadline = settings.maxDuration() == null ? Long.MAX_VALUE : start + settings.maxDuration().toNanos();
        long limit = settings.maxRequests() > 0 ? settings.maxRequests() : Long.MAX_VALUE;
        Thread reporter = Thread.ofVirtual().start(() -> report(start, answers, failures));
        try (ExecutorService senders = Executors.newVirtualThreadPerTaskExecutor()) {
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
                    senders.submit(() -> send(request, start, due, samples, answers, failures));
                }
            } else {
                AtomicLong claimed = new AtomicLong();
                for (int c = 0; c < settings.concurrency(); c++) {
                    senders.submit(() -> {
                        while (System.nanoTime() < deadline && claimed.getAndIncrement() < limit) {
                            send(request, start, System.nanoTime(), samples, answers, failures);
                        }
                    });
                }
            }
        } finally {
            reporter.interrupt();
        }
        long end = samples.stream().mapToLong(s -> s.sentNanos() + s.latencyNanos()).max().orElse(0);
        progress.println();
        return new LoadResult(settings, body.batch(), body.jsonLength() >= 0, List.copyOf(samples), end);
    }

    private void send(HttpRequest request, long start, long sent, ConcurrentLinkedQueue<Sample> samples,
                      AtomicLong answers, AtomicLong failures) {
        int status;
        try {
            // The body is discarded unread: the load generator times answers, it does not check them.
            status = client.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            status = Sample.NO_ANSWER;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
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
    public void close() { client.close(); }

    private URI modelUri(String suffix) {
        String base = settings.url().toString().replaceAll("/+$", "");
        return URI.create(base + "/v2/models/" + java.net.URLEncoder.encode(settings.model(),
                java.nio.charset.StandardCharsets.UTF_8).replace("+", "%20") + suffix);
    }
}
