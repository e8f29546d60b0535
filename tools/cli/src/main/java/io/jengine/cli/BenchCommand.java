package io.jengine.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.jengine.cli.bench.BenchInputs;
import io.jengine.cli.bench.BenchPlot;
import io.jengine.cli.bench.BenchReport;
import io.jengine.cli.bench.BenchResult;
import io.jengine.cli.bench.BenchTarget;
import io.jengine.cli.bench.InputRange;
import io.jengine.cli.bench.InterleavedTimer;
import io.jengine.cli.bench.LatencyStats;
import io.jengine.cli.bench.LayerProfile;
import io.jengine.cli.bench.OrtTarget;
import io.jengine.cli.bench.AllocationProbe;
import io.jengine.cli.bench.PeakMemory;
import io.jengine.cli.bench.ServedFigure;
import io.jengine.cli.bench.ServedTarget;
import io.jengine.cli.loadgen.InferBody;
import io.jengine.ir.Model;
import io.jengine.ir.ValueInfo;
import io.jengine.tensor.ValueType;
import io.jengine.onnx.OnnxImporter;
import io.jengine.opt.InputShapes;
import io.jengine.opt.OptimizationReport;
import io.jengine.spi.IntraOpPool;
import io.jengine.runtime.Engine;
import io.jengine.tensor.Tensor;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code engine bench}: latency and throughput of a model, trtexec-style, optionally against ONNX Runtime in the same
 * process on the same inputs. Everything that can fail on bad input (options, output files, model, shapes, inputs,
 * one run of each engine) is checked before the first progress line, so errors stay one line.
 */
@Command(name = "bench", description = "Measure a model's latency and throughput (optionally against ONNX Runtime).")
final class BenchCommand implements Callable<Integer> {
    /** Fewer timed runs than this give percentiles that mean little, whatever --duration says. */
    private static final int MIN_RUNS = 10;

    @Parameters(index = "0", paramLabel = "MODEL.onnx", description = "The ONNX model.")
    Path model;

    @Option(names = {"-i", "--input"}, paramLabel = "NAME=FILE",
            description = "An input value from a .npy or .pb file (repeatable); other inputs are generated.")
    Map<String, Path> inputs = new LinkedHashMap<>();

    @Mixin
    BuildOptions build = new BuildOptions();

    @Mixin
    TuningFlags tuning = new TuningFlags();

    @Option(names = "--batch", paramLabel = "N", description = "Sets the dynamic leading dimension of generated inputs.")
    Integer batch;

    @Option(names = "--input-range", paramLabel = "LO:HI",
            description = "Range of generated inputs (default: floats in [-1, 1), integers 0..1).")
    String inputRange;

    @Option(names = "--warmup", paramLabel = "S", description = "Warm-up seconds before timing (default ${DEFAULT-VALUE}); "
            + "the warm-up then goes on until the JVM's JIT compiler has settled, 60 s at most.")
    double warmup = 1.0;

    @Option(names = "--duration", paramLabel = "S",
            description = "Timed seconds per engine (default ${DEFAULT-VALUE}); at least " + MIN_RUNS + " runs either way.")
    double duration = 3.0;

    @Option(names = "--compare-ort", description = "Also time ONNX Runtime, interleaved with the engine.")
    boolean compareOrt;

    @Option(names = "--ort-only", description = "Time ONNX Runtime alone (e.g. for its peak memory).")
    boolean ortOnly;

    @Option(names = "--served", description = "Also serve the engine's plan over HTTP on 127.0.0.1, as `engine serve`"
            + " does, and time it: one client sending the run's inputs (what the HTTP layer costs), and where the plan"
            + " takes any number of rows and the run has several, twice as many clients as rows sending one row each,"
            + " which the server batches (what the batcher costs).")
    boolean served;

    @Option(names = "--json", paramLabel = "FILE", description = "Write the results as JSON.")
    Path json;

    @Option(names = "--plot", paramLabel = "FILE", description = "Write latency and per-layer charts (.png or .svg).")
    Path plot;

    @Option(names = "--overwrite", description = "Replace existing --json / --plot files.")
    boolean overwrite;

    /** The intra-op threads both engines run with: --threads, or every core. */
    private int threads;
    /** The plan's figures on a simulated device (--device fpga-stub:N), or null. */
    private SimulatedTime simulated;
    /** With --served: the temporary model repository the engine's plan is served from. */
    private Path servedRepository;

    @Override
    public Integer call() throws IOException {
        checkOptions();
        InputRange range = inputRange == null ? null : InputRange.parse(inputRange);
        boolean isPlan = io.jengine.plan.PlanFile.isPlan(model);
        if (isPlan && (compareOrt || ortOnly)) {
            throw new IllegalArgumentException("--compare-ort and --ort-only need the ONNX model: " + model
                    + " is a plan, which holds the engine's optimized graph");
        }
        io.jengine.build.EngineBuilder planBuilder = isPlan ? build.builder(model, new OptimizationReport()) : null;
        Model imported = isPlan ? planBuilder.loadedPlan().model() : OnnxImporter.load(model);
        List<ValueInfo> declared = imported.graph().runtimeInputs();
        for (String name : inputs.keySet()) {
            if (declared.stream().noneMatch(v -> v.name().equals(name))) {
                throw new IllegalArgumentException("--input: unknown input '" + name + "'; the model's inputs are "
                        + declared.stream().map(ValueInfo::name).toList());
            }
        }
        Map<String, long[]> fixed = build.shapes == null ? new LinkedHashMap<>() : new LinkedHashMap<>(InputShapes.parse(build.shapes));
        Set<String> skip = new HashSet<>(fixed.keySet());
        skip.addAll(inputs.keySet());
        // --batch fixes the build's shapes as the equivalent --shapes would: the engine built is the one `run` builds.
        fixed.putAll(BenchInputs.batchShapes(declared, batch, skip));
        Model shaped = fixed.isEmpty() ? imported : new Model(imported.irVersion(), imported.producerName(),
                imported.producerVersion(), InputShapes.apply(imported.graph(), fixed), imported.metadata());

        List<BenchResult.InputDescription> described = new ArrayList<>();
        Map<String, Tensor> feeds = feeds(shaped, range, described);
        if (tuning.tuning() && !isPlan) {
            // Layers are tuned at static shapes: the inputs' own, where the model leaves a dimension open.
            Map<String, long[]> open = new LinkedHashMap<>();
            for (ValueInfo v : shaped.graph().runtimeInputs()) {
                if (io.jengine.tensor.ValueType.staticDims(v.type()) == null && feeds.containsKey(v.name())) {
                    open.put(v.name(), feeds.get(v.name()).shape());
                }
            }
            if (!open.isEmpty()) {
                System.err.println("bench: tuning at the inputs' shapes " + InputShapes.format(open));
                shaped = new Model(shaped.irVersion(), shaped.producerName(), shaped.producerVersion(),
                        InputShapes.apply(shaped.graph(), open), shaped.metadata());
            }
        }

        // --threads (BuildOptions) sets both engines' intra-op threads; 0 means every core for both.
        threads = build.threads != 0 ? build.threads
                : isPlan ? planBuilder.loadedPlan().header().getThreads() : IntraOpPool.shared().cores();
        Engine engine = null;
        if (!ortOnly) {
            io.jengine.build.EngineBuilder builder = tuning.apply(isPlan ? planBuilder.threads(threads)
                    : build.builder(shaped, new OptimizationReport()).threads(threads), io.jengine.tune.TuneOptions.DEFAULT_LEVEL);
            if (served) servedRepository = ServedTarget.newRepository();
            // --served on an ONNX model: the engine measured is the plan written for the server, built once.
            engine = served && !isPlan ? builder.buildPlan(ServedTarget.planPath(servedRepository))
                    : BenchTarget.engine(builder);
            simulated = SimulatedTime.of(engine.devicePlan(), engine.graph(), builder.backends().device());
            if (builder.tuningReport() != null) TuningSummary.print(builder.tuningReport(), System.err);
        }
        OrtTarget ort = compareOrt || ortOnly ? OrtTarget.open(model, threads, !compareOrt) : null;
        try {
            return measure(engine, ort, feeds, described, isPlan ? model : null);
        } finally {
            if (ort != null) ort.close();
            if (engine != null) engine.close();
            if (servedRepository != null) ServedTarget.deleteRepository(servedRepository);
        }
    }

    /** The warm-up's bound when the JIT compiler keeps busy (a method deoptimized and recompiled in a loop). */
    static final double MAX_WARMUP_SECONDS = 60;

    /** The JIT compiler's total compile time so far in ms, or -1 where the JVM does not report it. */
    private static long jitMillis() {
        java.lang.management.CompilationMXBean jit = java.lang.management.ManagementFactory.getCompilationMXBean();
        return jit != null && jit.isCompilationTimeMonitoringSupported() ? jit.getTotalCompilationTime() : -1;
    }

    private int measure(Engine engine, OrtTarget ort, Map<String, Tensor> feeds, List<BenchResult.InputDescription> described,
                        Path plan) throws IOException {
        List<InterleavedTimer.Target> targets = new ArrayList<>();
        List<Long> first = new ArrayList<>();
        if (engine != null) {
            targets.add(() -> engine.run(feeds));
            first.add(timeOnce(targets.getLast()));
        }
        if (ort != null) {
            ort.feed(feeds);
            targets.add(ort::run);
            first.add(timeOnce(targets.getLast()));
        }
        PrintStream progress = System.err;
        String who = engine != null && ort != null ? "engine and onnxruntime, interleaved" : engine != null ? "engine" : "onnxruntime";
        progress.printf("bench: warm-up %.1f s, then until the JIT compiler settles (at most %.0f s; %s)%n", warmup,
                Math.max(warmup, MAX_WARMUP_SECONDS), who);
        InterleavedTimer timer = new InterleavedTimer(targets, first.stream().mapToLong(Long::longValue).toArray());
        double warmed = timer.warmUp(warmup, MAX_WARMUP_SECONDS, BenchCommand::jitMillis);
        if (warmed > warmup + 0.5) progress.printf("bench: warmed up in %.1f s%n", warmed);
        progress.printf("bench: timing %.1f s per engine (%s)%n", duration, who);
        long[][] nanos = timer.measure(duration, MIN_RUNS);
        LatencyStats engineStats = engine == null ? null : LatencyStats.ofNanos(nanos[0]);
        LatencyStats ortStats = ort == null ? null : LatencyStats.ofNanos(nanos[nanos.length - 1]);

        // before profiling: the observer's code path makes the JIT recompile shared methods, and runs right after
        // would count that window's allocations as the steady state's
        AllocationProbe alloc = engine == null ? null : AllocationProbe.measure(engine, feeds, 10);
        LayerProfile profile = new LayerProfile();
        if (engine != null) {
            int runs = (int) Math.max(3, Math.min(50, Math.round(0.2 * duration * 1000 / engineStats.median())));
            progress.printf("bench: profiling %d runs per layer%n", runs);
            for (int i = 0; i < runs; i++) {
                engine.run(feeds, profile);
                profile.endRun();
            }
        }
        BenchResult result = new BenchResult(model.toString(), threads, batch, build.level, described, warmed, duration,
                engineStats, ortStats, ort == null ? null : ort.version(), profile.layers(), profile.runs(),
                PeakMemory.residentHighWaterMib(), alloc, alloc == null ? null : alloc.memory());
        BenchReport.print(result, System.out);
        List<ServedFigure> servedFigures = served ? served(plan, feeds, engineStats) : List.of();
        Double simulatedMs = null;
        if (simulated != null) {
            Map<String, Double> hostMs = new LinkedHashMap<>();
            for (var l : result.layers()) hostMs.merge(l.name(), l.ms(), Double::sum);
            simulatedMs = simulated.endToEndMs(hostMs);
            System.out.printf("simulated end-to-end on %s: %.3f ms per run (%d layers on the device %.3f ms, %d copies"
                    + " over its link %.3f ms, the host's layers as measured) against %.3f ms wall-clock median%n",
                    simulated.device(), simulatedMs, simulated.layers().size(), simulated.deviceSeconds() * 1e3,
                    simulated.copies(), simulated.linkSeconds() * 1e3, engineStats.median());
        }
        if (json != null) {
            Map<String, Object> doc = BenchReport.json(result);
            if (simulatedMs != null) {
                Map<String, Object> sim = new LinkedHashMap<>(simulated.json());
                sim.put("end_to_end_ms", simulatedMs);
                doc.put("simulated", sim);
            }
            if (served) doc.put("served", servedFigures.stream().map(ServedFigure::json).toList());
            new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(json.toFile(), doc);
            System.out.println("results written to " + json);
        }
        if (plot != null) {
            Map<String, double[]> latencies = new LinkedHashMap<>();
            if (engine != null) latencies.put("engine", toMillis(nanos[0]));
            if (ort != null) latencies.put("onnxruntime " + ort.version(), toMillis(nanos[nanos.length - 1]));
            BenchPlot.write(plot, model.getFileName().toString(), latencies, result.layers());
            System.out.println("charts written to " + plot);
        }
        return 0;
    }

    /**
     * The --served lines: the engine's plan ({@code plan}, or the one written into the served repository) served
     * over HTTP on this machine, first to one client sending the run's inputs, then, where the plan takes any number
     * of rows and a run has several, to twice as many clients as rows, each sending one row for the server to batch.
     */
    private List<ServedFigure> served(Path plan, Map<String, Tensor> feeds, LatencyStats engine) {
        Tensor first = feeds.values().iterator().next();
        long rows = first.rank() == 0 ? 1 : first.dim(0);
        java.time.Duration warm = java.time.Duration.ofMillis(Math.round(1000 * Math.max(warmup, SERVED_WARMUP_S)));
        java.time.Duration timed = java.time.Duration.ofMillis(Math.round(1000 * duration));
        List<ServedFigure> figures = new ArrayList<>();
        System.out.println("served over HTTP on 127.0.0.1 (binary tensors; rows/s against the engine's run above):");
        try {
            ServedTarget.Setup direct = ServedTarget.Setup.direct(threads);
            boolean batchable;
            System.err.println("bench: serving the plan (" + direct.describe() + ")");
            try (ServedTarget target = ServedTarget.start(servedRepository, plan, direct)) {
                batchable = target.batchable();
                figures.add(ServedFigure.of(direct, 1, target.load(InferBody.of(feeds, 0, true), 1, warm, timed,
                        System.err)));
            }
            System.out.println(figures.getLast().text(engine, rows));
            if (rows > 1 && batchable) {
                ServedTarget.Setup batched = ServedTarget.Setup.batched(threads, (int) rows);
                System.err.println("bench: serving the plan (" + batched.describe() + ")");
                try (ServedTarget target = ServedTarget.start(servedRepository, plan, batched)) {
                    int clients = (int) (2 * rows);
                    figures.add(ServedFigure.of(batched, clients, target.load(InferBody.of(feeds, 1, true), clients,
                            warm, timed, System.err)));
                }
                System.out.println(figures.getLast().text(engine, rows));
            } else if (rows > 1) {
                System.out.println("  (no batched line: the plan takes " + rows + " rows only; bench a plan that"
                        + " `engine build --profile` wrote to see the batcher)");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while timing the served plan", e);
        }
        return figures;
    }

    /** Seconds of load before a served line is timed, at least: the HTTP path's code is new to the JIT compiler. */
    private static final double SERVED_WARMUP_S = 3;

    /** The tensors every run is fed: from the files given, else generated; {@code described} gets a line for each. */
    private Map<String, Tensor> feeds(Model shaped, InputRange range, List<BenchResult.InputDescription> described) {
        Map<String, Tensor> feeds = new LinkedHashMap<>();
        Random rnd = new Random(BenchInputs.SEED);
        for (ValueInfo in : shaped.graph().runtimeInputs()) {
            Tensor t;
            String source;
            Path file = inputs.get(in.name());
            if (file != null) {
                if (!(ValueFileReader.read(file, in.type(), build.imagePreprocessing()) instanceof Tensor tensor)) {
                    throw new IllegalArgumentException("input '" + in.name() + "' from " + file + " is not a tensor");
                }
                t = BenchInputs.batched(in, tensor, batch);
                source = file.toString();
            } else {
                long[] shape = BenchInputs.concreteShape(in, batch);
                t = BenchInputs.random(in.name(), ((ValueType.TensorType) in.type()).elementType(), shape, range, rnd);
                source = "generated";
            }
            feeds.put(in.name(), t);
            described.add(new BenchResult.InputDescription(in.name(), t.dtype().label(), t.shape(), source));
        }
        return feeds;
    }

    /** Validates what needs no model, so that a typo fails at once rather than after a long benchmark. */
    private void checkOptions() {
        if (build.threads < 0) throw new IllegalArgumentException("--threads must be 0 (every core) or more, got " + build.threads);
        if (batch != null && batch < 1) throw new IllegalArgumentException("--batch must be at least 1, got " + batch);
        if (!(warmup >= 0)) throw new IllegalArgumentException("--warmup must be 0 or more seconds, got " + warmup);
        if (!(duration > 0)) throw new IllegalArgumentException("--duration must be more than 0 seconds, got " + duration);
        if (compareOrt && ortOnly) throw new IllegalArgumentException("--compare-ort and --ort-only exclude each other");
        if (served && ortOnly) throw new IllegalArgumentException("--served serves the engine's plan: not with --ort-only");
        if (plot != null) BenchPlot.checkExtension(plot);
        for (Path out : new Path[] {json, plot}) {
            if (out == null) continue;
            if (Files.exists(out) && !overwrite) {
                throw new IllegalArgumentException("output file " + out + " already exists; pass --overwrite to replace it");
            }
            Path dir = out.toAbsolutePath().getParent();
            if (dir != null && !Files.isDirectory(dir)) {
                throw new IllegalArgumentException("cannot write " + out + ": directory " + dir + " does not exist");
            }
        }
    }

    private static long timeOnce(InterleavedTimer.Target t) {
        long t0 = System.nanoTime();
        t.runOnce();
        return System.nanoTime() - t0;
    }

    private static double[] toMillis(long[] nanos) {
        double[] ms = new double[nanos.length];
        for (int i = 0; i < ms.length; i++) ms[i] = nanos[i] / 1e6;
        return ms;
    }
}
