package io.jengine.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;

/**
 * Turns JMH JSON results of {@link ZooModelBenchmark} into {@code latency.md} (model, precision, threads, engine ms,
 * ONNX Runtime ms, ratio, served ms and what serving adds, each with its error) and {@code latency.png} (both engines per model on a log axis).
 * Usage: {@code LatencyReport RESULTS.json[,MORE.json...] OUT_DIR [TITLE]}.
 */
public final class LatencyReport {
    private LatencyReport() {}

    public static void main(String[] args) throws IOException {
        if (args.length < 2) {
            System.err.println("usage: LatencyReport RESULTS.json OUT_DIR [TITLE]");
            System.exit(2);
        }
        // several result files (comma-separated: the float and the INT8 runs) make one report
        var json = new com.fasterxml.jackson.databind.ObjectMapper().createArrayNode();
        for (String f : args[0].split(",")) json.addAll((com.fasterxml.jackson.databind.node.ArrayNode) JmhResults.read(Path.of(f)));
        List<JmhResults.Row> rows = JmhResults.rows(json);
        if (rows.isEmpty()) throw new IllegalArgumentException(args[0] + " holds no ZooModelBenchmark result");
        Path out = Files.createDirectories(Path.of(args[1]));
        String title = args.length > 2 ? args[2] : "Zoo model latency: engine vs ONNX Runtime";
        Files.writeString(out.resolve("latency.md"), markdown(title, JmhResults.setup(json), rows));
        chart(title, rows, out.resolve("latency.png"));
        System.out.println("wrote " + out.resolve("latency.md") + " and " + out.resolve("latency.png"));
    }

    static String markdown(String title, JmhResults.Setup setup, List<JmhResults.Row> rows) {
        StringBuilder b = new StringBuilder();
        b.append("# ").append(title).append("\n\n");
        b.append(String.format(Locale.ROOT, "JMH average time per inference (ms), %d warm-up x %s, %d measured x %s, %d fork(s); "
                        + "error = JMH's 99.9%% confidence half-width. %s %s, %d cores. Ratio above 1: the engine is slower. "
                + "int8: the engine's calibrated INT8 build against ONNX Runtime's own quantized (u8 QDQ) model; "
                + "bf16: the engine's --bf16 build against ONNX Runtime's float model. "
                + "served: one request to the engine's plan served over HTTP on the same machine (binary tensors, "
                + "one client), and what that adds to the engine's run.%n%n",
                setup.warmupIterations(), setup.warmupTime(), setup.measurementIterations(), setup.measurementTime(),
                setup.forks(), setup.vm(), setup.jdk(), Runtime.getRuntime().availableProcessors()));
        b.append("| model | precision | threads | engine ms | ORT ms | engine / ORT | served ms | served - engine ms |\n"
                + "|---|---|---:|---:|---:|---:|---:|---:|\n");
        for (JmhResults.Row r : rows) {
            b.append("| ").append(r.model()).append(" | ").append(r.precision()).append(" | ").append(r.threads())
                    .append(" | ").append(cell(r.engine()))
                    .append(" | ").append(cell(r.onnxRuntime())).append(" | ").append(cell(r.ratio()))
                    .append(" | ").append(cell(r.served())).append(" | ").append(cell(r.servedOverhead())).append(" |\n");
        }
        return b.toString();
    }

    private static String cell(JmhResults.Score s) {
        if (s == null) return "–";
        String v = format(s.ms());
        return Double.isNaN(s.error()) ? v : v + " ± " + format(s.error());
    }

    /** Three significant digits, which is more than the run-to-run noise of these figures allows anyway. */
    static String format(double v) {
        if (v == 0 || Double.isNaN(v) || Double.isInfinite(v)) return Double.toString(v);
        int decimals = Math.max(0, 2 - (int) Math.floor(Math.log10(Math.abs(v))));
        return String.format(Locale.ROOT, "%." + decimals + "f", v);
    }

    private static void chart(String title, List<JmhResults.Row> rows, Path file) throws IOException {
        CategoryChart chart = new CategoryChartBuilder().width(1100).height(600).title(title)
                .yAxisTitle("ms per inference (log)").build();
        // The engine and ONNX Runtime can be orders of magnitude apart; only a log axis shows both.
        chart.getStyler().setYAxisLogarithmic(true).setXAxisLabelRotation(20);
        chart.getStyler().setLabelsVisible(true).setDecimalPattern("0.###");
        // A log axis takes no gaps: chart the pairs when there are any, else the one engine that was run.
        List<JmhResults.Row> pairs = rows.stream().filter(r -> r.engine() != null && r.onnxRuntime() != null).toList();
        boolean engineOnly = pairs.isEmpty() && rows.stream().allMatch(r -> r.engine() != null);
        List<JmhResults.Row> shown = pairs.isEmpty()
                ? rows.stream().filter(r -> engineOnly ? r.engine() != null : r.onnxRuntime() != null).toList() : pairs;
        List<String> labels = new ArrayList<>();
        List<Double> engine = new ArrayList<>(), ort = new ArrayList<>(), served = new ArrayList<>();
        for (JmhResults.Row r : shown) {
            labels.add(r.model() + (r.precision().equals("fp32") ? "" : " " + r.precision()) + " (" + r.threads() + "t)");
            if (r.engine() != null) engine.add(r.engine().ms());
            if (r.onnxRuntime() != null) ort.add(r.onnxRuntime().ms());
            if (r.served() != null) served.add(r.served().ms());
        }
        // Bars start at the axis minimum, which xchart puts at 0 unless told: a decade under half the smallest value.
        double min = Stream.concat(engine.stream(), ort.stream()).mapToDouble(Double::doubleValue).min().orElse(1);
        chart.getStyler().setYAxisMin(Math.pow(10, Math.floor(Math.log10(min / 2))));
        if (engine.size() == labels.size()) chart.addSeries("engine", labels, engine);
        if (ort.size() == labels.size()) chart.addSeries("ONNX Runtime", labels, ort);
        if (served.size() == labels.size()) chart.addSeries("engine served over HTTP", labels, served);
        BitmapEncoder.saveBitmap(chart, file.toString(), BitmapEncoder.BitmapFormat.PNG);
    }
}
