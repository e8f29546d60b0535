package io.jengine.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.jengine.infer.ShapeInference;
import io.jengine.ir.Graph;
import io.jengine.ir.Model;
import io.jengine.runtime.Engine;
import io.jengine.ir.Node;
import io.jengine.ir.LayerCost;
import io.jengine.opt.OptimizationReport;
import io.jengine.opt.Roofline;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code engine inspect}: what the optimizer made of a model. Node counts per op before and after, the passes that
 * fired, and every layer of the optimized graph (fused layers named by their original nodes joined with " + ") with
 * its FLOPs, bytes moved, arithmetic intensity and roofline class against this machine's measured peaks.
 */
@Command(name = "inspect", description = "Show the optimized graph: op counts before/after, layers and their costs.")
final class InspectCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "MODEL.onnx", description = "The ONNX model.")
    Path model;

    @Mixin
    BuildOptions build = new BuildOptions();

    @Option(names = "--json", paramLabel = "FILE", description = "Write the same data as JSON.")
    Path json;

    @Option(names = "--plot", paramLabel = "FILE", description = "Write a roofline chart of the layers (.png or .svg).")
    Path plot;

    @Option(names = "--remeasure", description = "Measure the machine's peak compute and bandwidth again.")
    boolean remeasure;

    @Option(names = "--candidates", description = "For a plan: each tuned layer's candidates, as the cost model ranked them.")
    boolean candidates;

    @Option(names = "--top-k", paramLabel = "K", description = "For a plan: the K of the top-K hit rate and of --candidates (default 8).")
    int topK = io.jengine.tune.TuneOptions.DEFAULT_TOP_K;

    @Override
    public Integer call() throws IOException {
        build.requireCalibrationForPreprocess();
        if (io.jengine.plan.PlanFile.isPlan(model)) {
            if (json != null) throw new IllegalArgumentException("--json is for ONNX models; a plan's contents are printed");
            PlanInspection.print(model, candidates, topK, plot, System.out);
            io.jengine.build.EngineBuilder planned = build.builder(model, new OptimizationReport());
            io.jengine.spi.Device device = planned.backends().device();
            if (device != null) {
                // where the plan's layers run, and on a simulated device their modelled time
                try (Engine engine = planned.build()) {
                    Graph typed = engine.graph();
                    DevicePartitions.of(engine.devicePlan(), typed).lines(device.name()).forEach(System.out::println);
                    SimulatedTime sim = SimulatedTime.of(engine.devicePlan(), typed, device);
                    if (sim != null) sim.lines().forEach(System.out::println);
                }
            }
            return 0;
        }
        OptimizationReport report = new OptimizationReport();
        io.jengine.build.EngineBuilder builder = build.builder(model, report);
        Model before = builder.shapedModel();
        Model after = builder.optimizedModel();
        Graph typed = ShapeInference.infer(after.graph(), builder.backends().inference());
        Map<String, Integer> countsBefore = counts(before.graph()), countsAfter = counts(typed);
        Roofline roof;
        try {
            roof = MachinePeaks.get(remeasure, System.err);
        } catch (NoClassDefFoundError e) {
            throw new IllegalArgumentException("engine inspect measures the machine with the Vector API: run it with "
                    + "--add-modules jdk.incubator.vector (the ./engine launcher does)");
        }
        List<Map<String, Object>> layers = new ArrayList<>();
        List<RooflinePlot.Point> points = new ArrayList<>();
        long flops = 0, bytes = 0;
        for (int i = 0; i < typed.nodes().size(); i++) {
            Node n = typed.nodes().get(i);
            LayerCost c = LayerCost.of(n, typed);
            Map<String, Object> layer = new LinkedHashMap<>();
            layer.put("name", n.name().isEmpty() ? n.opType() + "_" + i : n.name());
            layer.put("op", n.domain().isEmpty() ? n.opType() : n.domain() + "." + n.opType());
            layer.put("flops", c.flops());
            layer.put("bytes_read", c.bytesRead());
            layer.put("bytes_written", c.bytesWritten());
            layer.put("intensity", Double.isNaN(c.intensity()) ? null : c.intensity());
            layer.put("bound", roof.bound(c));
            layers.add(layer);
            points.add(new RooflinePlot.Point((String) layer.get("name"), c.intensity(), roof.bound(c).equals("compute")));
            if (c.flops() > 0) flops += c.flops();
            if (c.bytesRead() > 0) bytes += c.bytesRead() + Math.max(0, c.bytesWritten());
        }
        print(System.out, countsBefore, countsAfter, report, layers, flops, bytes);
        Engine.MemoryReport memory;
        List<String> placement;
        DevicePartitions partitions;
        SimulatedTime simulated;
        try (Engine engine = builder.plan(after)) {
            memory = engine.memoryReport();
            placement = engine.placement();
            partitions = DevicePartitions.of(engine.devicePlan(), typed);
            simulated = SimulatedTime.of(engine.devicePlan(), typed, builder.backends().device());
        }
        boolean onDevice = !build.device().equals(io.jengine.runtime.Backends.HOST);
        if (onDevice) partitions.lines(build.device()).forEach(System.out::println);
        if (simulated != null) simulated.lines().forEach(System.out::println);
        System.out.printf("memory plan: %.2f MiB arena for %d intermediates; peak of bytes live at once %.2f MiB%s%n",
                memory.arenaBytes() / 1048576.0, memory.placedValues(), memory.peakLiveBytes() / 1048576.0,
                memory.placedValues() == 0 ? " (dynamic shapes: planned per input shape at run time; use --shapes)" : "");
        System.out.printf("machine: %.0f GFLOP/s peak, %.1f GB/s; ridge at %.2f FLOP/B%n", roof.peakGflops(), roof.peakGBps(),
                roof.ridge());
        if (plot != null) {
            RooflinePlot.write(plot, model.getFileName() + " at level " + build.level, roof, points);
            System.out.println("roofline chart written to " + plot);
        }
        if (json != null) {
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("model", model.toString());
            doc.put("level", build.level);
            doc.put("before", Map.of("node_count", before.graph().nodes().size(), "op_counts", countsBefore));
            doc.put("after", Map.of("node_count", typed.nodes().size(), "op_counts", countsAfter));
            doc.put("passes", new TreeMap<>(report.applied()));
            doc.put("layers", layers);
            doc.put("totals", Map.of("flops", flops, "bytes", bytes));
            doc.put("memory", Map.of("arena_bytes", memory.arenaBytes(), "peak_live_bytes", memory.peakLiveBytes(),
                    "placed_values", memory.placedValues()));
            doc.put("tactics", placement);
            if (onDevice) doc.put("partitions", partitions.json(build.device()));
            if (simulated != null) doc.put("simulated", simulated.json());
            doc.put("machine", Map.of("peak_gflops", roof.peakGflops(), "peak_gbps", roof.peakGBps(), "ridge", roof.ridge()));
            new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(json.toFile(), doc);
        }
        return 0;
    }

    private static Map<String, Integer> counts(Graph g) {
        Map<String, Integer> m = new TreeMap<>();
        for (Node n : g.nodes()) m.merge(n.domain().isEmpty() ? n.opType() : n.domain() + "." + n.opType(), 1, Integer::sum);
        return m;
    }

    private static void print(PrintStream out, Map<String, Integer> before, Map<String, Integer> after,
                              OptimizationReport report, List<Map<String, Object>> layers, long flops, long bytes) {
        out.printf("nodes: %d before, %d after (%d rewrites in %d rounds)%n", before.values().stream().mapToInt(i -> i).sum(),
                after.values().stream().mapToInt(i -> i).sum(), report.total(), report.rounds());
        out.printf("  %-36s %7s %7s%n", "op", "before", "after");
        TreeSet<String> ops = new TreeSet<>(before.keySet());
        ops.addAll(after.keySet());
        for (String op : ops) out.printf("  %-36s %7d %7d%n", op, before.getOrDefault(op, 0), after.getOrDefault(op, 0));
        if (!report.applied().isEmpty()) {
            out.println("passes applied: " + new TreeMap<>(report.applied()));
        }
        out.printf("layers (%d):%n  %-64s %-22s %12s %12s %9s %8s%n", layers.size(), "name", "op", "MFLOPs", "KiB moved",
                "FLOP/B", "bound");
        for (Map<String, Object> l : layers) {
            long f = (Long) l.get("flops"), r = (Long) l.get("bytes_read"), w = (Long) l.get("bytes_written");
            Object in = l.get("intensity");
            String name = (String) l.get("name");
            if (name.length() > 64) name = name.substring(0, 61) + "...";
            out.printf("  %-64s %-22s %12s %12s %9s %8s%n", name, l.get("op"), f < 0 ? "?" : String.format("%.3f", f / 1e6),
                    r < 0 || w < 0 ? "?" : String.format("%.1f", (r + w) / 1024.0),
                    in == null ? "?" : String.format("%.2f", (Double) in), l.get("bound"));
        }
        out.printf("total: %.3f GFLOPs, %.1f MiB moved%n", flops / 1e9, bytes / (1024.0 * 1024.0));
    }
}
