package io.jengine.cli.bench;

import io.jengine.cli.loadgen.LoadResult;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * One "served" line of {@code engine bench}: closed-loop clients against the engine's plan served over HTTP
 * ({@link ServedTarget}), set beside the engine's own run, so that what the HTTP layer and the batcher cost shows.
 *
 * @param setup          how the server ran the plan ({@link ServedTarget.Setup#describe})
 * @param rowsPerRequest rows each request carried
 * @param latency        of the successful requests; null when none succeeded
 */
public record ServedFigure(String setup, int clients, long rowsPerRequest, long requests, long failed, double seconds,
                           double requestsPerSecond, LatencyStats latency) {

    public static ServedFigure of(ServedTarget.Setup setup, int clients, LoadResult r) {
        return new ServedFigure(setup.describe(), clients, r.batch(), r.requests(), r.requests() - r.succeeded(),
                r.seconds(), r.requestsPerSecond(), r.latency());
    }

    public double rowsPerSecond() { return requestsPerSecond * rowsPerRequest; }

    /**
     * The line for people: throughput in rows per second against the engine's ({@code engineRows} rows per run), and
     * the median latency against the engine's where each request carries a whole run's rows.
     */
    public String text(LatencyStats engine, long engineRows) {
        StringBuilder b = new StringBuilder(String.format(Locale.ROOT,
                "  served, %d client%s x %d row%s (%s):%n    %d requests in %.1f s%s, %.1f rows/s", clients,
                clients == 1 ? "" : "s", rowsPerRequest, rowsPerRequest == 1 ? "" : "s", setup, requests, seconds,
                failed == 0 ? "" : " (" + failed + " failed)", rowsPerSecond()));
        double engineRowsPerSecond = engine.throughput() * engineRows;
        b.append(String.format(Locale.ROOT, " = %.2fx the engine's %.1f", rowsPerSecond() / engineRowsPerSecond,
                engineRowsPerSecond));
        if (latency != null) {
            b.append(String.format(Locale.ROOT, "; latency ms median %.3f p90 %.3f p99 %.3f max %.3f", latency.median(),
                    latency.p90(), latency.p99(), latency.max()));
            if (rowsPerRequest == engineRows) {
                b.append(String.format(Locale.ROOT, "; median over the engine's: %+.3f ms",
                        latency.median() - engine.median()));
            }
        }
        return b.toString();
    }

    /** The --json entry; field names are part of the command's interface. */
    public Map<String, Object> json() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("setup", setup);
        m.put("clients", clients);
        m.put("rows_per_request", rowsPerRequest);
        m.put("requests", requests);
        m.put("failed", failed);
        m.put("seconds", seconds);
        m.put("requests_per_second", requestsPerSecond);
        m.put("rows_per_second", rowsPerSecond());
        if (latency != null) {
            m.put("latency_ms", Map.of("min", latency.min(), "median", latency.median(), "p90", latency.p90(),
                    "p99", latency.p99(), "max", latency.max()));
        }
        return m;
    }
}
