package io.jengine.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The zoo benchmark results of a JMH JSON file ({@code -rf json}), grouped per model and thread count: the engine's,
 * ONNX Runtime's and the served plan's average time per inference with JMH's 99.9% confidence half-width, in
 * milliseconds.
 */
public final class JmhResults {
    /** One measured score; {@code error} is NaN when JMH had too few iterations to give one. */
    public record Score(double ms, double error) {}

    /**
     * One model at one thread count and precision ("fp32"; "int8": quantized models; "bf16": bfloat16 arithmetic,
     * whose ONNX Runtime score is its float one, since it has no bfloat16 CPU kernels); any score may be null when
     * that benchmark was not run. {@code served} is one request to the engine's plan served over HTTP.
     */
    public record Row(String model, int threads, String precision, Score engine, Score onnxRuntime, Score served) {
        /** Engine over ONNX Runtime, with the error of a quotient of independent measurements. */
        public Score ratio() {
            if (engine == null || onnxRuntime == null) return null;
            double r = engine.ms() / onnxRuntime.ms();
            double rel = Math.hypot(engine.error() / engine.ms(), onnxRuntime.error() / onnxRuntime.ms());
            return new Score(r, r * rel);
        }

        /** What serving adds to a run (served minus engine), with the error of a difference of independent ones. */
        public Score servedOverhead() {
            if (engine == null || served == null) return null;
            return new Score(served.ms() - engine.ms(), Math.hypot(served.error(), engine.error()));
        }
    }

    /** The file's JVM and JMH settings, for the report's header. */
    public record Setup(String jdk, String vm, int warmupIterations, String warmupTime, int measurementIterations,
                        String measurementTime, int forks) {}

    private JmhResults() {}

    public static List<Row> rows(JsonNode results) {
        Map<String, Score[]> byKey = new TreeMap<>();
        for (JsonNode r : results) {
            String bench = r.path("benchmark").asText();
            int slot = bench.endsWith(".engine") ? 0 : bench.endsWith(".onnxRuntime") ? 1 : bench.endsWith(".served") ? 2 : -1;
            if (slot < 0) continue;
            // results from before the precision parameter are float
            String precision = r.path("params").path("precision").asText("fp32");
            String key = r.path("params").path("model").asText() + "\t" + r.path("params").path("threads").asText()
                    + "\t" + precision;
            JsonNode m = r.path("primaryMetric");
            double toMs = millisPer(m.path("scoreUnit").asText());
            Score s = new Score(number(m.path("score")) * toMs, number(m.path("scoreError")) * toMs);
            byKey.computeIfAbsent(key, k -> new Score[3])[slot] = s;
        }
        List<Row> rows = new ArrayList<>();
        byKey.forEach((k, v) -> {
            String[] parts = k.split("\t");
            Score ort = v[1];
            if (ort == null && parts[2].equals("bf16")) {
                Score[] fp32 = byKey.get(parts[0] + "\t" + parts[1] + "\tfp32");
                if (fp32 != null) ort = fp32[1];
            }
            rows.add(new Row(parts[0], Integer.parseInt(parts[1]), parts[2], v[0], ort, v[2]));
        });
        return rows;
    }

    public static Setup setup(JsonNode results) {
        if (results.isEmpty()) throw new IllegalArgumentException("the JMH results hold no benchmark");
        JsonNode r = results.get(0);
        return new Setup(r.path("jdkVersion").asText(), r.path("vmName").asText(), r.path("warmupIterations").asInt(),
                r.path("warmupTime").asText(), r.path("measurementIterations").asInt(), r.path("measurementTime").asText(),
                r.path("forks").asInt());
    }

    public static JsonNode read(Path file) throws IOException {
        JsonNode n = new ObjectMapper().readTree(file.toFile());
        if (n == null || !n.isArray()) throw new IllegalArgumentException(file + " is not a JMH JSON result (-rf json)");
        return n;
    }

    /** JMH writes NaN (no error estimate from a single iteration) as the string "NaN". */
    private static double number(JsonNode n) {
        return n.isNumber() ? n.asDouble() : n.isTextual() ? Double.parseDouble(n.asText()) : Double.NaN;
    }

    private static double millisPer(String unit) {
        return switch (unit) {
            case "ms/op" -> 1;
            case "us/op" -> 1e-3;
            case "ns/op" -> 1e-6;
            case "s/op" -> 1e3;
            default -> throw new IllegalArgumentException("unexpected JMH score unit '" + unit + "': run in AverageTime mode");
        };
    }
}
