package io.jengine.cli.loadgen;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.jengine.cli.bench.BenchPlot;
import io.jengine.cli.bench.LatencyStats;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * What a load run measured: throughput over the run's wall time (first send to last answer), latency of the
 * successful requests, and how many requests ended with each HTTP status ({@code "no answer"} for none).
 *
 * @param wallNanos from the start of the run to the last answer
 */
public record LoadResult(LoadGenerator.Settings settings, long batch, boolean binary,
                         List<LoadGenerator.Sample> samples, long wallNanos) {
    private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    public long requests() { return samples.size(); }

    public long succeeded() { return samples.stream().filter(LoadGenerator.Sample::ok).count(); }

    public double seconds() { return wallNanos / 1e9; }

    /** Successful requests per second of wall time. */
    public double requestsPerSecond() { return wallNanos > 0 ? succeeded() / seconds() : 0; }

    /** Successful inferences (requests times batch) per second of wall time. */
    public double inferencesPerSecond() { return requestsPerSecond() * batch; }

    /** Latency of the successful requests; null when none succeeded. */
    public LatencyStats latency() {
        long[] ok = samples.stream().filter(LoadGenerator.Sample::ok).mapToLong(LoadGenerator.Sample::latencyNanos)
                .toArray();
        return ok.length == 0 ? null : LatencyStats.ofNanos(ok);
    }

    /** Requests per HTTP status, ascending. */
    public Map<String, Long> statuses() {
        Map<String, Long> counts = new TreeMap<>();
        for (LoadGenerator.Sample s : samples) {
            counts.merge(s.status() == LoadGenerator.Sample.NO_ANSWER ? "no answer" : Integer.toString(s.status()),
                    1L, Long::sum);
        }
        return counts;
    }

    public String mode() {
        return settings.openLoop()
                ? String.format(Locale.ROOT, "open loop at %s requests/s", trim(settings.rate()))
                : "closed loop, " + settings.concurrency() + " client" + (settings.concurrency() == 1 ? "" : "s");
    }

    /** The report for people. */
    public String text() {
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "model %s at %s: %s, batch %d, %s, after a %s s warm-up%n",
                settings.model(), settings.url(), mode(), batch, binary ? "binary tensors" : "JSON tensors",
                trim(settings.warmup().toNanos() / 1e9)));
        b.append(String.format(Locale.ROOT, "requests:   %d sent, %d succeeded, %d failed in %.2f s%n", requests(),
                succeeded(), requests() - succeeded(), seconds()));
        b.append(String.format(Locale.ROOT, "throughput: %.1f requests/s, %.1f inferences/s%n", requestsPerSecond(),
                inferencesPerSecond()));
        LatencyStats l = latency();
        if (l != null) {
            b.append(String.format(Locale.ROOT,
                    "latency ms: min %.3f  mean %.3f  p50 %.3f  p90 %.3f  p95 %.3f  p99 %.3f  max %.3f%n",
                    l.min(), l.mean(), l.median(), l.p90(), l.p95(), l.p99(), l.max()));
        } else {
            b.append("latency ms: no request succeeded\n");
        }
        b.append("status:    ");
        statuses().forEach((k, v) -> b.append(' ').append(k).append(" x").append(v));
        return b.append('\n').toString();
    }

    /** The same figures for scripts. */
    public Map<String, Object> json() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("url", settings.url().toString());
        m.put("model", settings.model());
        m.put("mode", settings.openLoop() ? "open" : "closed");
        m.put("concurrency", settings.concurrency());
        m.put("rate", settings.rate());
        m.put("warmup_s", settings.warmup().toNanos() / 1e9);
        m.put("batch", batch);
        m.put("binary", binary);
        m.put("duration_s", seconds());
        m.put("requests", requests());
        m.put("succeeded", succeeded());
        m.put("failed", requests() - succeeded());
        m.put("requests_per_s", requestsPerSecond());
        m.put("inferences_per_s", inferencesPerSecond());
        LatencyStats l = latency();
        Map<String, Object> lat = new LinkedHashMap<>();
        if (l != null) {
            lat.put("min", l.min());
            lat.put("mean", l.mean());
            lat.put("p50", l.median());
            lat.put("p90", l.p90());
            lat.put("p95", l.p95());
            lat.put("p99", l.p99());
            lat.put("max", l.max());
        }
        m.put("latency_ms", lat);
        m.put("status", statuses());
        return m;
    }

    public void writeJson(Path file) throws IOException { MAPPER.writeValue(file.toFile(), json()); }

    /**
     * Each request's latency against when it was sent, successes and failures apart (a stall or a burst of 429s
     * shows where it happened), above the distribution of the successful ones.
     */
    public void writePlot(Path file) throws IOException {
        XYChart overTime = new XYChartBuilder().width(BenchPlot.WIDTH).height(BenchPlot.LATENCY_HEIGHT)
                .title(settings.model() + ", " + mode() + ": latency of each request").xAxisTitle("sent at (s)")
                .yAxisTitle("ms").build();
        overTime.getStyler().setDefaultSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter).setMarkerSize(3);
        for (boolean ok : new boolean[] {true, false}) {
            List<LoadGenerator.Sample> part = samples.stream().filter(s -> s.ok() == ok).toList();
            if (part.isEmpty()) continue;
            double[] x = part.stream().mapToDouble(s -> s.sentNanos() / 1e9).toArray();
            double[] y = part.stream().mapToDouble(s -> s.latencyNanos() / 1e6).toArray();
            overTime.addSeries(ok ? "succeeded" : "failed", x, y).setMarker(SeriesMarkers.CIRCLE);
        }
        double[] ok = samples.stream().filter(LoadGenerator.Sample::ok).mapToDouble(s -> s.latencyNanos() / 1e6)
                .toArray();
        var charts = new java.util.ArrayList<org.knowm.xchart.internal.chartpart.Chart<?, ?>>(List.of(overTime));
        var heights = new java.util.ArrayList<>(List.of(BenchPlot.LATENCY_HEIGHT));
        if (ok.length > 0) {
            charts.add(BenchPlot.latencyChart("latency of the successful requests", Map.of("succeeded", ok)));
            heights.add(BenchPlot.LATENCY_HEIGHT);
        }
        BenchPlot.writeStacked(file, charts, heights);
    }

    private static String trim(double v) {
        return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
    }
}
