package io.jengine.build;

import io.jengine.calib.Int8Calibration;
import io.jengine.calib.Int8Options;
import io.jengine.ir.Graph;
import io.jengine.ir.Model;
import io.jengine.onnx.OnnxImporter;
import io.jengine.opt.ChannelsLast;
import io.jengine.opt.GraphOptimizer;
import io.jengine.opt.InputShapes;
import io.jengine.opt.OptimizationReport;
import io.jengine.opt.OptimizerOptions;
import io.jengine.opt.quant.ActivationRange;
import io.jengine.opt.quant.QdqPlacement;
import io.jengine.runtime.Backends;
import io.jengine.runtime.Engine;
import io.jengine.runtime.EngineOptions;
import io.jengine.spi.Backend;
import io.jengine.plan.LoadedPlan;
import io.jengine.plan.PlanFile;
import io.jengine.plan.PlanFormatException;
import io.jengine.runtime.EngineVersion;
import io.jengine.tune.TuneOptions;
import io.jengine.tune.Tuner;
import io.jengine.tune.TuningReport;
import io.jengine.tune.cache.TimingCache;
import io.jengine.tune.device.DeviceDescription;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * Builds an {@link Engine} the way a user wants one: import, fix input shapes where asked, optimize (level 2 by
 * default: folding and fusion), then plan onto the backends found on the class path with the chosen thread count and
 * forced tactics. This is the path the CLI and every example take; {@code Engine.load} stays the unoptimized one.
 *
 * <pre>{@code
 * try (Engine engine = EngineBuilder.forModel(Path.of("model.onnx")).threads(4).build();
 *      Session session = engine.newSession()) {
 *     Map<String, Value> out = session.run(Map.of("input", tensor));
 * }
 * }</pre>
 */
public final class EngineBuilder {
    private final Model model;
    private int level = OptimizerOptions.DEFAULT_LEVEL;
    private final Set<String> disabledPasses = new LinkedHashSet<>();
    private final Map<String, long[]> shapes = new LinkedHashMap<>();
    /** Input name -> {min, opt, max} shapes of an optimization profile. */
    private final Map<String, long[][]> profiles = new LinkedHashMap<>();
    private EngineOptions options = EngineOptions.defaults();
    /** The backends the caller chose ({@link #backends(Backends)}), or null: the class path's. */
    private Backends chosenBackends;
    /** What plans run on: the chosen or discovered backends with the plugins, bound to the device; made on first use. */
    private Backends backends;
    private final List<io.jengine.plugin.Plugin> plugins = new java.util.ArrayList<>();
    private String runOn = Backends.HOST;
    /** Backend discovery started while a file is read (loading native libraries overlaps the reading); or null. */
    private java.util.concurrent.Future<Backends> discovering;
    /** The class path's backends, once discovered. */
    private Backends discovered;
    private OptimizationReport report = new OptimizationReport();
    private Int8Options int8;
    private boolean fp16;
    private boolean lean;
    private boolean bf16;
    private Model quantized;
    private TuneOptions tuning;
    private Path timingCache;
    private PrintStream progress = System.err;
    private TuningReport tuningReport;
    private io.jengine.plan.proto.PlanProto.PlanHeader written;
    private DeviceDescription device;
    /** The plan this builder starts from, or null when it starts from an ONNX model. */
    private LoadedPlan loaded;

    private EngineBuilder(Model model) { this.model = model; }

    /** Starts from an ONNX file (external data beside it). */
    public static EngineBuilder forModel(Path onnxFile) {
        var discovery = BackendDiscovery.start();
        EngineBuilder b = new EngineBuilder(OnnxImporter.load(onnxFile));
        b.discovering = discovery;
        return b;
    }

    /** Starts from a model already imported. */
    public static EngineBuilder forModel(Model model) { return new EngineBuilder(model); }

    /**
     * Starts from a plan file that {@link #buildPlan} wrote: its optimized graph is planned as it is, with the thread
     * count and the tactic of every layer it stores (calls to {@link #threads} or {@link #tactic} after this change
     * them; {@link #tune} re-tunes the layers here). A plan written by another engine version is refused; one tuned on
     * another device loads with a warning on {@link #progress}, since its tactics were the fastest there.
     */
    public static EngineBuilder forPlan(Path planFile) {
        var discovery = BackendDiscovery.start();
        LoadedPlan plan = PlanFile.read(planFile);
        if (!plan.header().getEngineVersion().equals(EngineVersion.VERSION)) {
            throw new PlanFormatException(planFile + " was built by engine " + plan.header().getEngineVersion()
                    + ", this is " + EngineVersion.VERSION + ": build it again from the ONNX model");
        }
        EngineBuilder b = new EngineBuilder(plan.model());
        b.discovering = discovery;
        b.loaded = plan;
        b.level = plan.header().getOptimizationLevel();
        b.options = b.options.withThreads(plan.header().getThreads());
        if (!plan.header().getRunDevice().isEmpty()) b.runOn = plan.header().getRunDevice();
        for (var p : plan.header().getProfilesList()) {
            b.profile(p.getName(), p.getMinList().stream().mapToLong(Long::longValue).toArray(),
                    p.getOptList().stream().mapToLong(Long::longValue).toArray(),
                    p.getMaxList().stream().mapToLong(Long::longValue).toArray());
        }
        return b;
    }

    /** The plan this builder was made from, or null. */
    public LoadedPlan loadedPlan() { return loaded; }

    /** Optimization level: 0 none, 1 clean-up, 2 fusion (the default), 3 backend-specific. */
    public EngineBuilder level(int level) {
        this.level = level;
        return this;
    }

    /** Skips an optimizer pass by name. */
    public EngineBuilder disablePass(String name) {
        disabledPasses.add(name);
        return this;
    }

    /** Fixes the dimensions of an input for the build, so that shape arithmetic folds and layers fuse. */
    public EngineBuilder shape(String input, long... dims) {
        shapes.put(input, dims.clone());
        return this;
    }

    /** Fixes input shapes written as on the command line: {@code input_ids:1x128,attention_mask:1x128}. */
    public EngineBuilder shapes(String spec) {
        shapes.putAll(InputShapes.parse(spec));
        return this;
    }

    /** Intra-op threads per run; 0 (the default) uses every core. */
    public EngineBuilder threads(int n) {
        options = options.withThreads(n);
        return this;
    }

    /** Forces a tactic for a layer (by name) or every layer of an op type, e.g. {@code ("FusedConv", "conv.im2col")}. */
    public EngineBuilder tactic(String layerOrOp, String tactic) {
        options = options.withTactic(layerOrOp, tactic);
        return this;
    }

    /** Plans onto these backends instead of every backend on the class path. */
    public EngineBuilder backends(Backends b) {
        this.chosenBackends = b;
        this.backends = null;
        return this;
    }

    /**
     * Adds the backends and ops of plugin jars (each loaded once per process in a class loader of its own, see
     * {@link io.jengine.plugin.PluginLoader}): {@code jars}, and every {@code *.jar} in each of {@code dirs}. A jar
     * that is missing, no plugin, built for another SPI version or clashing with what is loaded is an error here.
     */
    public EngineBuilder plugins(List<Path> jars, List<Path> dirs) {
        for (io.jengine.plugin.Plugin p : io.jengine.plugin.PluginLoader.loadAll(jars, dirs)) plugin(p);
        return this;
    }

    /** As {@link #plugins(List, List)} for jars alone. */
    public EngineBuilder plugins(Path... jars) { return plugins(List.of(jars), List.of()); }

    /** Adds a loaded plugin. */
    public EngineBuilder plugin(io.jengine.plugin.Plugin p) {
        if (!plugins.contains(p)) plugins.add(p);
        this.backends = null;
        return this;
    }

    /**
     * Runs on {@code device} ({@code "cpu"}, the default, or a device such as {@code "opencl:0"} that
     * {@code engine devices} lists): its backend takes every node it can, the host's backends the rest.
     */
    public EngineBuilder device(String device) {
        this.runOn = device;
        this.backends = null;
        return this;
    }

    /** Where the optimizer records what it did (for {@code inspect} and reports). */
    public EngineBuilder report(OptimizationReport r) {
        this.report = r;
        return this;
    }

    /**
     * Tunes every layer's tactic before planning (see {@link Tuner}); without this call the plan takes the backends'
     * default tactics. Progress goes to {@link #progress}.
     */
    public EngineBuilder tune(TuneOptions options) {
        this.tuning = options;
        return this;
    }

    /** Reads timings from this file and writes new ones back (TensorRT's timing cache); null for none. */
    public EngineBuilder timingCache(Path file) {
        this.timingCache = file;
        return this;
    }

    /** Where tuning reports its progress (standard error by default). */
    public EngineBuilder progress(PrintStream out) {
        this.progress = out;
        return this;
    }

    /** The header of the plan {@link #buildPlan} last wrote (without its graph's place), or null. */
    public io.jengine.plan.proto.PlanProto.PlanHeader writtenPlan() { return written; }

    /** What the last build's tuning chose and measured; null when it did not tune. */
    public TuningReport tuningReport() { return tuningReport; }

    /** Forces a tactic written as on the command line: {@code LAYER_OR_OP=NAME}. */
    public EngineBuilder tactic(String assignment) {
        options = options.withTactic(assignment);
        return this;
    }

    /**
     * An optimization profile for an input, as TensorRT's: the plan accepts every shape from {@code min} to
     * {@code max} (each axis), is tuned at {@code opt}, and refuses shapes outside with an error naming the range.
     */
    public EngineBuilder profile(String input, long[] min, long[] opt, long[] max) {
        if (min.length != opt.length || opt.length != max.length) {
            throw new IllegalArgumentException("profile of '" + input + "': min, opt and max need one rank");
        }
        for (int i = 0; i < min.length; i++) {
            if (min[i] < 0 || min[i] > opt[i] || opt[i] > max[i]) {
                throw new IllegalArgumentException("profile of '" + input + "': axis " + i + " needs min <= opt <= max, got "
                        + min[i] + ", " + opt[i] + ", " + max[i]);
            }
        }
        profiles.put(input, new long[][] {min.clone(), opt.clone(), max.clone()});
        return this;
    }

    /** A profile written as on the command line: {@code input:1x3x224x224..8x3x224x224..32x3x224x224}. */
    public EngineBuilder profile(String spec) {
        int colon = spec.lastIndexOf(':');
        String[] parts = colon <= 0 ? new String[0] : spec.substring(colon + 1).split("\\.\\.");
        if (parts.length != 3) {
            throw new IllegalArgumentException("--profile expects NAME:MIN..OPT..MAX (e.g. input:1x3x224x224..8x3x224x224"
                    + "..32x3x224x224), got '" + spec + "'");
        }
        String name = spec.substring(0, colon);
        long[][] d = new long[3][];
        for (int i = 0; i < 3; i++) d[i] = InputShapes.parse(name + ":" + parts[i]).get(name);
        return profile(name, d[0], d[1], d[2]);
    }

    /** The profiles given, input name -> {min, opt, max}. */
    public Map<String, long[][]> profiles() { return profiles; }

    /** The model as imported, with the fixed input shapes applied: what the optimizer starts from. */
    public Model shapedModel() {
        if (shapes.isEmpty()) return model;
        return new Model(model.irVersion(), model.producerName(), model.producerVersion(),
                InputShapes.apply(model.graph(), shapes), model.metadata());
    }

    /**
     * Quantizes the model to INT8 where it can: calibrated on {@code options}' batches (or from its cache), its
     * convolutions and matrix products get quantized activations and per-channel weights; the rest stays float.
     */
    public EngineBuilder int8(Int8Options options) {
        if (loaded != null) throw new IllegalArgumentException(loaded.file() + " is a plan: --int8 applies to ONNX models");
        this.int8 = options;
        this.quantized = null;
        return this;
    }

    /**
     * Stores the plan's convolution and matrix-product weights in half precision ({@link io.jengine.plan.HalfWeights}):
     * half the file; they are rounded to float16 values and computed in float32.
     */
    public EngineBuilder fp16(boolean on) {
        this.fp16 = on;
        return this;
    }

    /**
     * A lean plan file: the weights and decisions only, without what the kernels derived from the weights (oneDNN's
     * reordered weights, Winograd's transformed ones), which loading then derives again. ResNet-50's plan is 98 MiB
     * lean and 253 MiB whole (its Winograd layers' transformed weights are four times their 3x3 weights); the whole
     * one loads faster (about a third less in a fresh JVM, half in a warm one).
     */
    public EngineBuilder lean(boolean on) {
        this.lean = on;
        return this;
    }

    /**
     * Allows the float convolutions and matrix products bfloat16 arithmetic (oneDNN's, on CPUs with AVX512-BF16 or
     * AMX); with {@link #int8}, the layers left in float. Refused on a CPU without it.
     *
     * @throws IllegalArgumentException naming what this CPU lacks
     */
    public EngineBuilder bf16(boolean on) {
        if (on) {
            String why = Bf16Layers.unsupportedReason();
            if (why != null) {
                throw new IllegalArgumentException("--bf16 needs bfloat16 arithmetic, and " + why
                        + ": build in float32 (or with --fp16, which halves the plan's weights and computes in float32)");
            }
        }
        this.bf16 = on;
        return this;
    }

    /** The model as it will be planned: shapes fixed and optimized (and quantized, with {@link #int8}). */
    public Model optimizedModel() {
        Model m = optimizedUnmarked();
        return bf16 ? Bf16Layers.mark(m, bf16Tiles()) : m;
    }

    private Model optimizedUnmarked() {
        if (int8 == null) return GraphOptimizer.optimize(shapedModel(), optimizerOptions(), report);
        if (quantized == null) {
            // Calibrated where the layers that will run in INT8 are whole: batch norms folded, activations fused,
            // so that a range is measured on what the integer layer reads.
            OptimizerOptions fusedOnly = optimizerOptions().atMost(FUSED_LEVEL);
            Model fused = GraphOptimizer.optimize(shapedModel(), fusedOnly, new OptimizationReport());
            Map<String, ActivationRange> ranges = Int8Calibration.ranges(fused, int8, backends(), options,
                    g -> GraphOptimizer.optimize(g, fusedOnly, new OptimizationReport()), progress);
            quantized = GraphOptimizer.optimize(QdqPlacement.apply(fused, ranges, backends().integerConvolution()),
                    optimizerOptions(), report);
        }
        return quantized;
    }

    /** Whether a backend of the plan's device runs bfloat16 convolutions on matrix tiles ({@link Backend#bf16Tiles}). */
    private boolean bf16Tiles() {
        return backends().ordered().stream().anyMatch(b -> b.device() == backends().device() && b.bf16Tiles());
    }

    /** The optimization level at which calibration runs: fusion, before any layout change. */
    private static final int FUSED_LEVEL = 2;

    /** The optimizer's options: the level and passes asked for, and the channel block the backends run on. */
    private OptimizerOptions optimizerOptions() {
        int block = 0;
        boolean channelsLast = false;
        for (Backend b : backends().ordered()) {
            // the layout is for the device the plan runs on; the host's backends only take what it declines
            if (b.device() != backends().device()) continue;
            block = Math.max(block, b.channelBlock());
            channelsLast |= b.channelBlock() > 0 && b.channelsLast();
        }
        // bfloat16 on matrix tiles is fast only channels-last, whatever the graph's mix of convolutions
        ChannelsLast last = channelsLast && bf16 && bf16Tiles() ? ChannelsLast.ALWAYS : ChannelsLast.allowed(channelsLast);
        return new OptimizerOptions(level, Set.copyOf(disabledPasses), false, block, last,
                backends().integerConvolution(), backends());
    }

    /** The backends plans run on (see {@link #backends}); the plugins' join before the device is bound. */
    public Backends backends() {
        if (backends == null) {
            if (chosenBackends != null) {
                backends = chosenBackends.withPlugins(plugins);
            } else {
                // Discovered once: adding a plugin or choosing a device afterwards re-assembles, not re-discovers.
                if (discovered == null) {
                    discovered = discovering != null ? BackendDiscovery.join(discovering) : Backends.discover();
                }
                backends = discovered.withPlugins(plugins).forDevice(runOn);
            }
        }
        discovering = null;
        return backends;
    }

    /** Optimizes and plans (a plan file's graph is planned as stored). */
    public Engine build() { return plan(loaded != null ? loaded.model() : optimizedModel()); }

    /**
     * Builds as {@link #build} does and writes the result to {@code planFile} (see {@link PlanFile}): the optimized
     * graph, every layer's tactic, what tuning measured, the memory plan. Replaces an existing file only because the
     * caller said so (the CLI asks for {@code --overwrite}).
     */
    public Engine buildPlan(Path planFile) {
        long start = System.nanoTime();
        Model optimized = loaded != null ? loaded.model() : optimizedModel();
        java.util.Set<String> half = fp16 ? WeightTensors.of(optimized.graph()) : java.util.Set.of();
        if (!half.isEmpty()) optimized = io.jengine.plan.HalfWeights.round(optimized, half);
        long optimizedAt = System.nanoTime();
        Engine engine = plan(optimized);
        long plannedAt = System.nanoTime();
        try {
            written = PlanWriter.write(planFile, optimized, engine, tuningReport, device(), options.effectiveThreads(), level,
                    tuning == null ? -1 : tuning.level(), (plannedAt - start) / 1e9, profiles, half, runOn, backends(),
                    !lean);
        } catch (RuntimeException e) {
            engine.close();
            throw e;
        }
        double tuned = tuningReport == null ? 0 : tuningReport.seconds();
        progress.printf("build: optimized in %.1f s, tuned in %.1f s, planned in %.1f s, written in %.1f s%n",
                (optimizedAt - start) / 1e9, tuned, (plannedAt - optimizedAt) / 1e9 - tuned,
                (System.nanoTime() - plannedAt) / 1e9);
        return engine;
    }

    /** Plans a model this builder already optimized (see {@link #optimizedModel()}), without optimizing again. */
    public Engine plan(Model optimized) {
        OptimizerOptions opt = optimizerOptions();
        EngineOptions planned = options;
        if (loaded != null) {
            if (!loaded.header().getDeviceFingerprint().equals(device != null ? device.fingerprint()
                    : DeviceDescription.hostFingerprint(libraries()))) {
                progress.println("warning: " + loaded.file() + " was tuned on another machine (" + loaded.header()
                        .getDeviceIdentity() + "); its tactics may not be the fastest here: tune again with --retune");
            }
            PluginUses.check(loaded.file(), loaded.header().getPluginsList(), backends()).forEach(progress::println);
            int inexact = IntegerLayerCheck.inexact(io.jengine.infer.ShapeInference.infer(optimized.graph(),
                            backends().inference()),
                    backends().integerConvolution());
            if (inexact > 0) {
                progress.println("warning: " + loaded.file() + " holds " + inexact + " integer layers this CPU"
                        + " cannot compute exactly as integers (quantized for VNNI: 8-bit weights or int8 sources);"
                        + " they run in float or on the reference kernels here, slower: build from the ONNX model on this machine to quantize"
                        + " for it");
            }
            // The stored tactics are preferences: a layer whose backends do not offer its tactic here (oneDNN
            // missing, another shape) takes the default rule's; the caller's own --tactic choices are forced.
            if (tuning == null) planned = planned.withPreferred(loaded.header().getTacticsMap());
            // what the kernels derived from the weights when the plan was built, taken where the form still matches
            planned = planned.withPacked(loaded.packed());
        }
        if (backends().device() != null) planned = planned.withHost(hostSpeed());
        if (!profiles.isEmpty()) {
            Map<String, EngineOptions.InputRange> ranges = new LinkedHashMap<>();
            profiles.forEach((name, p) -> ranges.put(name, new EngineOptions.InputRange(p[0], p[2])));
            planned = planned.withInputRanges(ranges);
        }
        if (tuning != null) {
            // Tuned on the graph as the plan will see it: every value typed, inputs at the profiles' optimal shapes,
            // so that layers have static shapes.
            Graph g = optimized.graph();
            if (!profiles.isEmpty()) {
                Map<String, long[]> optimal = new LinkedHashMap<>();
                profiles.forEach((name, p) -> optimal.put(name, p[1]));
                g = InputShapes.apply(g, optimal);
            }
            // The winners' kernels, timed already, go to the plan instead of being prepared a second time.
            try (io.jengine.tune.TunedKernels tuned = new io.jengine.tune.TunedKernels()) {
                // with the host's speed where there is a device: the layers the plan puts back on the host are not tuned
                EngineOptions tuneWith = backends().device() != null ? options.withHost(hostSpeed()) : options;
                tuningReport = tuner().tune(io.jengine.infer.ShapeInference.infer(g, backends().inference()), tuneWith,
                        tuned);
                planned = planned.withPreferred(tuningReport.choices()).withPrepared(tuned);
                return specializing(optimized, planned, opt);
            }
        }
        return specializing(optimized, planned, opt);
    }

    /** The engine; once a run's shapes are known, shape arithmetic folds and more fuses: optimize again for them. */
    private Engine specializing(Model optimized, EngineOptions planned, OptimizerOptions opt) {
        return Engine.of(optimized, backends(), planned, g -> GraphOptimizer.optimize(g, opt, new OptimizationReport()));
    }

    /**
     * The host's speed for the threads a run uses, by this machine's measured description: what a plan for a device
     * weighs the copies of its parts against.
     */
    private io.jengine.runtime.HostSpeed hostSpeed() {
        DeviceDescription d = device();
        int threads = Math.max(1, Math.min(options.effectiveThreads(), d.cores()));
        return new io.jengine.runtime.HostSpeed(d.peakGflopsPerCore() * threads, d.dramGBps() * threads,
                io.jengine.tune.model.CostModel.callSeconds());
    }

    /** This machine as the tuner and plan files know it (measured once, then cached). */
    private DeviceDescription device() {
        if (device == null) device = DeviceDescription.host(libraries(), progress);
        return device;
    }

    /** The native libraries the backends loaded, each "name version": part of the device fingerprint. */
    private List<String> libraries() {
        return backends().ordered().stream().flatMap(b -> b.libraries().stream()).toList();
    }

    private Tuner tuner() {
        DeviceDescription device = device();
        TimingCache cache = timingCache == null
                ? TimingCache.inMemory(device.fingerprint(), EngineVersion.VERSION)
                : TimingCache.open(timingCache, device.fingerprint(), EngineVersion.VERSION, progress::println);
        return new Tuner(device, cache, tuning, backends(), progress);
    }
}
