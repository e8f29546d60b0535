package io.jengine.serving.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Clients that die: one that closes its connection halfway through the body, one that resets it as soon as the
 * request is sent (the server answers into a dead socket), one that stalls mid-body and stays connected. The server
 * serves everyone else meanwhile, answers every later request, leaves no request queued, and shuts down without
 * waiting on any of them.
 */
class KilledClientTest {
    @TempDir
    Path dir;

    static byte[] request(String body, int sendBytes) {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        String head = "POST /v2/models/digits/infer HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                + "Content-Length: " + b.length + "\r\n\r\n";
        byte[] h = head.getBytes(StandardCharsets.US_ASCII);
        byte[] out = new byte[h.length + Math.min(sendBytes, b.length)];
        System.arraycopy(h, 0, out, 0, h.length);
        System.arraycopy(b, 0, out, h.length, out.length - h.length);
        return out;
    }

    static Socket connect(TestServer http) throws IOException {
        Socket s = new Socket();
        s.connect(new InetSocketAddress(http.server.address().getHost(), http.server.port()), 5000);
        return s;
    }

    /** The digits model's count of answered requests (every outcome), from /metrics. */
    static double answered(TestServer http) {
        String scrape = http.get("/metrics").text();
        Matcher m = Pattern.compile("(?m)^jengine_inference_requests_total\\{([^}]*)\\} (\\S+)$").matcher(scrape);
        double sum = 0;
        while (m.find()) if (m.group(1).contains("model=\"digits\"")) sum += Double.parseDouble(m.group(2));
        return sum;
    }

    static double queueDepth(TestServer http) {
        Matcher m = Pattern.compile("(?m)^jengine_inference_queue_depth\\{([^}]*model=\"digits\"[^}]*)\\} (\\S+)$")
                .matcher(http.get("/metrics").text());
        return m.find() ? Double.parseDouble(m.group(2)) : 0;
    }

    @Test
    void deadAndStalledClientsCostTheOthersNothing() throws Exception {
        String body = RepositoryHttpTest.infer();
        TestServer http = new TestServer(dir);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        Socket stalled = null;
        try {
            assertEquals(200, http.post("/v2/models/digits/infer", body).status());
            double before = answered(http);

            // Half a body, then the connection closes.
            for (int i = 0; i < 20; i++) {
                try (Socket s = connect(http)) {
                    s.getOutputStream().write(request(body, body.length() / 2));
                }
            }
            // A whole request, then a reset (SO_LINGER 0) before the answer is read, 8 at once, 5 times.
            for (int round = 0; round < 5; round++) {
                List<Future<?>> sent = new ArrayList<>();
                for (int i = 0; i < 8; i++) {
                    sent.add(pool.submit(() -> {
                        try (Socket s = connect(http)) {
                            s.setSoLinger(true, 0);
                            OutputStream out = s.getOutputStream();
                            out.write(request(body, Integer.MAX_VALUE));
                            out.flush();
                        }
                        return null;
                    }));
                }
                for (Future<?> f : sent) f.get();
            }
            // One client sends half its body and then nothing, connection open.
            stalled = connect(http);
            stalled.getOutputStream().write(request(body, body.length() / 2));
            stalled.getOutputStream().flush();

            // Everyone else is served, concurrently, while the stalled one holds its connection.
            List<Future<Integer>> others = new ArrayList<>();
            for (int i = 0; i < 32; i++) {
                others.add(pool.submit(() -> http.post("/v2/models/digits/infer", body).status()));
            }
            for (Future<Integer> f : others) assertEquals(200, f.get());

            // The reset requests were still answered (into dead sockets) or refused; none is left queued.
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (answered(http) < before + 32 + 40 && System.nanoTime() < deadline) Thread.sleep(20);
            double got = answered(http) - before;
            assertTrue(got >= 32 && got <= 32 + 40, "answered " + got);
            assertEquals(0, queueDepth(http));
        } finally {
            pool.shutdownNow();
            long start = System.nanoTime();
            http.close();
            double seconds = (System.nanoTime() - start) / 1e9;
            // Shutdown waits for requests in progress; a stalled upload must not hold it to the full timeout.
            assertTrue(seconds < 10, "shutdown took " + seconds + " s");
            if (stalled != null) stalled.close();
        }
    }
}
