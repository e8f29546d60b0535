package io.jengine.cli.bench;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Writes a {@link BenchResult} as the text {@code engine bench} prints and as the document {@code --json} saves. */
public final class BenchReport {
    /** How many layers the text report lists. */
    public static final int TOP_LAYERS = 10;

    private BenchReport() {}

    public static void print(BenchResult r, PrintStream out) {
        out.printf(Locale.ROOT, "model: %s (level %d)%s, threads %d%n", r.model(), r.level(),
                r.batch() == null ? "" : ", batch " + r.batch(), r.threads());
        for (BenchResult.InputDescription in : r.inputs()) {
            out.printf(Locale.ROOT, "input: %s %s%s (%s)%n", in.name(), in.dtype(), shape(in.shape()), in.source());
        }
        out.printf(Locale.ROOT, "latency (ms), warm-up %.1f s, timed %.1f s per engine:%n", r.warmupS(), r.durationS());
        out.printf(Locale.ROOT, "  %-20s %7s %10s %9s %9s %9s %9s %9s %9s %9s %7s%n", "", "runs", "infer/s", "min", "mean",
                "median", "p90", "p95", "p99", "max", "cv");
        if (r.engine() != null) row(out, "engine", r.engine());
        if (r.onnxRuntime() != null) row(out, "onnxruntime " + r.onnxRuntimeVersion(), r.onnxRuntime());
        if (!Double.isNaN(r.ratio())) {
            out.printf(Locale.ROOT, "ratio engine / onnxruntime (median): %.2f (%s)%n", r.ratio(),
                    r.ratio() >= 1 ? String.format(Locale.ROOT, "engine %.2fx slower", r.ratio())
                            : String.format(Locale.ROOT, "engine %.2fx faster", 1 / r.ratio()));
        }
        warnIfNoisy(out, "engine", r.engine());
        warnIfNoisy(out, "onnxruntime", r.onnxRuntime());
        if (!r.layers().isEmpty()) {
            double total = r.layers().stream().mapToDouble(LayerProfile.Layer::ms).sum();
            out.printf(Locale.ROOT, "slowest layers (mean of %d profiled runs; %.3f ms in %d layers):%n", r.profiledRuns(),
                    total, r.layers().size());
            out.printf(Locale.ROOT, "  %-60s %-22s %-28s %9s %6s%n", "layer", "op", "tactic", "ms", "share");
            for (LayerProfile.Layer l : slowest(r.layers(), TOP_LAYERS)) {
                out.printf(Locale.ROOT, "  %-60s %-22s %-28s %9.3f %5.1f%%%n", abbreviate(l.name(), 60), l.op(), l.tactic(),
                        l.ms(), 100 * l.share());
            }
        }
        if (r.allocation() != null) {
            AllocationProbe a = r.allocation();
            out.printf(Locale.ROOT, "per run after warm-up: %d bytes of heap (calling thread), %d bytes of native tensor "
                    + "memory (the outputs handed back are %d bytes)%n", a.heapBytesPerRun(), a.nativeBytesPerRun(), a.outputBytes());
        }
        if (r.memory() != null && r.memory().placedValues() > 0) {
            out.printf(Locale.ROOT, "memory plan: %.2f MiB arena for %d intermediates, peak of bytes live at once %.2f MiB (%.2fx)%n",
                    r.memory().arenaBytes() / 1048576.0, r.memory().placedValues(), r.memory().peakLiveBytes() / 1048576.0,
                    (double) r.memory().arenaBytes() / r.memory().peakLiveBytes());
        }
        if (r.peakRssMib() >= 0) out.printf(Locale.ROOT, "peak resident memory of the process: %.0f MiB%n", r.peakRssMib());
    }

    /** The --json document; field names are part of the command's interface. */
    public static Map<String, Object> json(BenchResult r) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("model", r.model());
        doc.put("threads", r.threads());
        doc.put("batch", r.batch());
        doc.put("level", r.level());
        List<Map<String, Object>> inputs = new ArrayList<>();
        for (BenchResult.InputDescription in : r.inputs()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", in.name());
            m.put("dtype", in.dtype());
            m.put("shape", in.shape());
            m.put("source", in.source());
            inputs.add(m);
        }
        doc.put("inputs", inputs);
        doc.put("warmup_s", r.warmupS());
        doc.put("duration_s", r.durationS());
        if (r.engine() != null) doc.put("engine", stats(r.engine(), null));
        if (r.onnxRuntime() != null) doc.put("onnxruntime", stats(r.onnxRuntime(), r.onnxRuntimeVersion()));
        if (!Double.isNaN(r.ratio())) doc.put("ratio", r.ratio());
        if (r.engine() != null) {
            List<Map<String, Object>> layers = new ArrayList<>();
            for (LayerProfile.Layer l : slowest(r.layers(), r.layers().size())) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("name", l.name());
                m.put("op", l.op());
                m.put("tactic", l.tactic());
                m.put("ms", l.ms());
                m.put("share", l.share());
                layers.add(m);
            }
            doc.put("layers", layers);
            doc.put("profiled_runs", r.profiledRuns());
        }
        doc.put("peak_rss_mib", r.peakRssMib() >= 0 ? r.peakRssMib() : null);
        if (r.allocation() != null) {
            doc.put("allocation_per_run", Map.of("heap_bytes", r.allocation().heapBytesPerRun(),
                    "native_bytes", r.allocation().nativeBytesPerRun(), "output_bytes", r.allocation().outputBytes()));
        }
        if (r.memory() != null) {
            doc.put("memory_plan", Map.of("arena_bytes", r.memory().arenaBytes(),
                    "peak_live_bytes", r.memory().peakLiveBytes(), "placed_values", r.memory().placedValues()));
        }
        return doc;
    }

    /** Layers by time, slowest first. */
    static List<LayerProfile.Layer> slowest(List<LayerProfile.Layer> layers, int k) {
        return layers.stream().sorted((a, b) -> Double.compare(b.ms(), a.ms())).limit(k).toList();
    }

    private static Map<String, Object> stats(LatencyStats s, String version) {
        Map<String, Object> m = new LinkedHashMap<>();
        if (version != null) m.put("version", version);
        m.put("runs", s.runs());
        Map<String, Object> lat = new LinkedHashMap<>();
        lat.put("min", s.min());
        lat.put("mean", s.mean());
        lat.put("median", s.median());
        lat.put("p90", s.p90());
        lat.put("p95", s.p95());
        lat.put("p99", s.p99());
        lat.put("max", s.max());
        m.put("latency_ms", lat);
        m.put("throughput", s.throughput());
        m.put("cv", s.cv());
        m.put("noisy", s.noisy());
        return m;
    }

    private static void row(PrintStream out, String label, LatencyStats s) {
        out.printf(Locale.ROOT, "  %-20s %7d %10.1f %9.3f %9.3f %9.3f %9.3f %9.3f %9.3f %9.3f %6.1f%%%n", label, s.runs(),
                s.throughput(), s.min(), s.mean(), s.median(), s.p90(), s.p95(), s.p99(), s.max(), 100 * s.cv());
    }

    private static void warnIfNoisy(PrintStream out, String label, LatencyStats s) {
        if (s != null && s.noisy()) {
            out.printf(Locale.ROOT, "WARNING: %s latencies vary by %.1f%% (coefficient of variation above %.0f%%): the machine "
                    + "is too noisy to trust these figures; rerun on a quiet machine or with a longer --duration%n", label,
                    100 * s.cv(), 100 * LatencyStats.NOISY_CV);
        }
    }

    private static String shape(long[] dims) {
        StringBuilder b = new StringBuilder("[");
        for (int i = 0; i < dims.length; i++) b.append(i == 0 ? "" : ",").append(dims[i]);
        return b.append(']').toString();
    }

    /** {@code s}, or its first {@code max - 3} characters and "..." when longer: table cells and chart labels. */
    public static String abbreviate(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max - 3) + "...";
    }
}
