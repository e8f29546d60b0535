package io.jengine.tune;

import io.jengine.ir.Graph;
import io.jengine.ir.GraphOrder;
import io.jengine.ir.Node;
import io.jengine.runtime.Backends;
import io.jengine.runtime.EngineOptions;
import io.jengine.runtime.KernelTrial;
import io.jengine.runtime.TacticChooser;
import io.jengine.spi.DeviceHardware;
import io.jengine.spi.GemmTiling;
import io.jengine.spi.Kernel;
import io.jengine.spi.NodeContext;
import io.jengine.spi.Tactic;
import io.jengine.tensor.Value;
import io.jengine.tune.cache.Timing;
import io.jengine.tune.cache.TimingCache;
import io.jengine.tune.device.DeviceDescription;
import io.jengine.tune.measure.Measurer;
import io.jengine.tune.measure.TrialInputs;
import io.jengine.tune.model.Calibration;
import io.jengine.tune.model.CostModel;
import io.jengine.tune.model.DeviceCostModel;
import io.jengine.tune.space.GemmSpace;
import io.jengine.tune.space.WorkGroupSpace;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Picks each layer's tactic the way Roller builds kernels: the backends' candidates, tunable ones expanded into the
 * tilings {@link GemmSpace} constructs for this device, ranked by the {@link CostModel}, the best few timed on the
 * real layer ({@link Measurer}, its shapes, its weights, the build's thread count), the fastest kept. Layers with the
 * same {@link LayerSignature} are tuned once; timings already in the {@link TimingCache} are not taken again.
 *
 * <p>Not tuned: layers whose tactic the user forced, layers with a single candidate, sub-graph holders, and layers
 * whose input shapes are not static (a model with dynamic dimensions is tuned at the shapes the build fixes). The
 * reference backend is the ground truth, not a contender: it is left out wherever another backend offers a tactic.
 */
public final class Tuner {
    /** The reference backends: the engine's and the one of plugin ops' reference kernels. */
    private static final java.util.Set<String> REFERENCE = java.util.Set.of("cpu-reference",
            io.jengine.runtime.Backends.PLUGIN_REFERENCE);
    /** Marks the signatures of layers timed with their weights evicted from every cache level. */
    static final String COLD_WEIGHTS = "|weights-from-memory";
    /**
     * A first warm-up ends once runs take under this many times the predicted time, without waiting for the JIT
     * compiler to go quiet: early in a build it compiles other code for seconds, and ResNet-50's first Winograd layer
     * waited 0.9 s per candidate for a kernel that had long been running at its speed.
     */
    private static final double REACHED = 1.5;
    /** A measured time this many times the predicted one is measured again after {@link #LONG_WARMUP_SECONDS}. */
    private static final double SUSPICIOUS = 3, LONG_WARMUP_SECONDS = 1.5, NATIVE_WARMUP_SECONDS = 0.4;
    /**
     * The least gain over the default tactic (a fraction of its time) that makes the tuner choose another: a layer
     * timed alone still differs from the layer inside its model (the eviction before each timed run brings the two
     * close, not equal), and a plan that took a 5% isolated win on BERT's projections, before evictions, ran 19.4 ms
     * against 14.9 ms. Below this margin the tactic the backends recommend stays.
     */
    private static final double MIN_GAIN = 0.10;
    /**
     * Below level 3, a candidate predicted this many times slower than the model's best is not timed (the default
     * tactic always is): Roller times only the few the model says can win. A convolution offers oneDNN's kernels and
     * some forty tilings of cpu-simd's GEMM; where the model puts every tiling at twice oneDNN's time, timing eight
     * of them tripled ResNet-50's build (18 s to 58 s) and none was chosen.
     */
    static final double OUT_OF_REACH = 1.5;
    /**
     * Below level 3, a tiling predicted this many times the fastest time measured on the layer so far is not timed.
     * On ResNet-50, cpu-simd's GEMM was timed on layers where oneDNN, predicted at its median efficiency, took half
     * its predicted time; measured first, it puts the tilings out of reach there and only there.
     */
    static final double BEYOND_MEASURED = 1.25;
    /** Below level 3, the most tilings of one tunable kernel timed per layer: the model's best ones. */
    static final int TILINGS_PER_KERNEL = 2;

    private final DeviceDescription device;
    private final TimingCache cache;
    private final TuneOptions options;
    private final Backends backends;
    private final PrintStream progress;
    private final Calibration calibration = new Calibration();
    private final CostModel model;
    private final Measurer measurer;

    /** For a model whose weights exceed the last-level cache: its layers' weights come from memory, not from L3. */
    private final Measurer coldMeasurer;

    /**
     * A tuner whose measurements evict the core's L2 (twice its size written) before every timed run, and the L3 too
     * for a model whose weights do not fit in it: inside such a model every layer's weights come from memory, the
     * other layers having been through the L3 since, and a kernel timed with them in L3 looks faster than it runs.
     * Timed with only L2 evicted, cpu-simd's GEMM took ResNet-50's classifier (8 MB of weights) in a third of
     * oneDNN's time, and inside the model in twice it.
     */
    public Tuner(DeviceDescription device, TimingCache cache, TuneOptions options, Backends backends, PrintStream progress) {
        this(device, cache, options, backends, progress, Measurer.standard().evicting(2 * device.l2Bytes()),
                Measurer.standard().evicting(device.l3Bytes() + 2 * device.l2Bytes()));
    }

    /** With the same measurer whatever the model's size (tests). */
    public Tuner(DeviceDescription device, TimingCache cache, TuneOptions options, Backends backends,
                 PrintStream progress, Measurer measurer) {
        this(device, cache, options, backends, progress, measurer, measurer);
    }

    private Tuner(DeviceDescription device, TimingCache cache, TuneOptions options, Backends backends,
                  PrintStream progress, Measurer measurer, Measurer coldMeasurer) {
        this.device = device;
        this.cache = cache;
        this.options = options;
        this.backends = backends;
        this.progress = progress;
        this.model = new CostModel(device, calibration);
        this.measurer = measurer;
        this.coldMeasurer = coldMeasurer;
    }

    /** Whether the graph's weights together exceed the last-level cache. */
    private boolean weightsExceedL3(Graph graph) {
        long bytes = 0;
        for (io.jengine.tensor.Tensor t : graph.initializers().values()) bytes += t.byteSize();
        return bytes > device.l3Bytes();
    }

    /** Tunes the main graph's layers for {@code engine}'s thread count and forced tactics. */
    public TuningReport tune(Graph graph, EngineOptions engine) { return tune(graph, engine, null); }

    /**
     * As {@link #tune(Graph, EngineOptions)}, keeping in {@code keep} (when not null) the kernel of each layer's chosen
     * tactic where it was timed here, for the plan to take over instead of preparing it again.
     */
    public TuningReport tune(Graph graph, EngineOptions engine, TunedKernels keep) {
        long start = System.nanoTime();
        int threads = engine.effectiveThreads();
        List<Node> order = GraphOrder.sort(graph, Set.of());
        boolean cold = weightsExceedL3(graph);
        Measurer active = cold ? coldMeasurer : measurer;
        // First the layers to tune, so that progress can count them.
        List<Node> tunable = new ArrayList<>();
        Map<Node, String> signatures = new HashMap<>();
        int skipped = 0;
        // nodes a plan on the device runs on the host, their copies outweighing their work: not the device's to tune
        Set<String> onHost = io.jengine.runtime.Engine.movedToHost(graph, backends, engine);
        for (Node n : order) {
            if (engine.tactics().containsKey(n.name()) || engine.tactics().containsKey(n.opType())) continue;
            if (onHost.contains(n.name())) continue;
            String sig = LayerSignature.of(n, graph, threads);
            if (sig == null) continue;
            // timed with its weights coming from memory: not the same figure as with them in L3
            if (cold && coldMeasurer != measurer) sig += COLD_WEIGHTS;
            if (!TrialInputs.available(n, graph)) {
                skipped++;
                continue;
            }
            tunable.add(n);
            signatures.put(n, sig);
        }
        long unique = signatures.values().stream().distinct().count();
        Map<String, LayerTuning> bySignature = new LinkedHashMap<>();
        Set<String> single = new java.util.HashSet<>();
        List<LayerTuning> layers = new ArrayList<>();
        int[] counts = new int[2]; // timed, cache hits
        for (Node n : tunable) {
            String sig = signatures.get(n);
            LayerTuning done = bySignature.get(sig);
            if (single.contains(sig)) continue;
            if (done != null) {
                layers.add(done.sharedBy(n.name()));
                continue;
            }
            NodeContext ctx = new NodeContext(n, graph.opset(n.domain()), graph, threads);
            long layerStart = System.nanoTime();
            // at level 3 with a sample of layers, only every n-th is timed beyond its top K, the rest as at level 2
            int index = bySignature.size() + single.size();
            TuneOptions here = options.level() >= 3 && index % options.exhaustiveEvery() != 0
                    ? new TuneOptions(TuneOptions.DEFAULT_LEVEL, options.topK()) : options;
            LayerTuning t = tuneLayer(n, graph, ctx, sig, threads, counts, active, keep, here);
            if (t == null) {
                single.add(sig);
                continue;
            }
            bySignature.put(sig, t);
            layers.add(t);
            progress.printf("tune [%d/%d] %s: %s (%.1f s)%n", bySignature.size() + single.size(), unique,
                    shorten(n.name(), 60), summary(t), (System.nanoTime() - layerStart) / 1e9);
        }
        cache.save();
        return new TuningReport(List.copyOf(layers), counts[0], counts[1], skipped, (System.nanoTime() - start) / 1e9);
    }

    /** The layer's choice, or null when it offers fewer than two candidates. */
    private LayerTuning tuneLayer(Node n, Graph graph, NodeContext ctx, String sig, int threads, int[] counts,
                                  Measurer measurer, TunedKernels keep, TuneOptions options) {
        try (Trials trials = new Trials(n, graph, threads)) {
            return tuneLayer(n, ctx, sig, threads, counts, measurer, keep, trials, options);
        }
    }

    /** {@code options}: how hard this layer is tuned (at level 3 with a sample, some layers at level 2). */
    private LayerTuning tuneLayer(Node n, NodeContext ctx, String sig, int threads, int[] counts, Measurer measurer,
                                  TunedKernels keep, Trials trials, TuneOptions options) {
        Graph graph = trials.graph;
        List<Tactic> offered = TacticChooser.candidates(ctx, backends);
        if (offered.stream().anyMatch(t -> !REFERENCE.contains(t.backend()))) {
            offered = offered.stream().filter(t -> !REFERENCE.contains(t.backend())).toList();
        }
        if (offered.isEmpty()) return null;
        Tactic byDefault = TacticChooser.byDefaultFirst(offered).getFirst();
        List<Tactic> all = expand(offered);
        if (all.size() < 2) return null;

        record Ranked(Tactic tactic, double predictedMs) {}
        List<Ranked> ranked = new ArrayList<>();
        for (Tactic t : all) ranked.add(new Ranked(t, 1e3 * predict(t, threads)));
        ranked.sort(Comparator.comparingDouble(r -> Double.isNaN(r.predictedMs()) ? Double.MAX_VALUE : r.predictedMs()));

        int toTime = options.timed(ranked.size());
        // level 3 with a sample of the rest: the top K, and that many of the others drawn at random (by the layer)
        Set<Integer> drawn = Set.of();
        if (options.level() >= 3 && options.exhaustiveSample() > 0
                && ranked.size() > options.topK() + options.exhaustiveSample()) {
            toTime = options.topK();
            List<Integer> rest = new ArrayList<>();
            for (int i = toTime; i < ranked.size(); i++) rest.add(i);
            java.util.Collections.shuffle(rest, new java.util.Random(sig.hashCode()));
            drawn = Set.copyOf(rest.subList(0, options.exhaustiveSample()));
        }
        double bestPredicted = ranked.getFirst().predictedMs();
        boolean[] timed = new boolean[ranked.size()];
        int timedCount = 0;
        Map<String, Integer> tilingsTimed = new HashMap<>();
        for (int i = 0; i < ranked.size(); i++) {
            Ranked r = ranked.get(i);
            boolean inReach = options.level() >= 3 || !(r.predictedMs() > OUT_OF_REACH * bestPredicted)
                    || deviceTiling(r.tactic());
            if (options.level() < 3 && r.tactic().tunable() != null && !deviceTiling(r.tactic())) {
                // the model's few best tilings of one kernel stand for it: timing more of them cost ResNet-50's
                // build a third of a second each, and the kernel's rank among the tactics does not change
                int tilings = tilingsTimed.merge(CostModel.kindOf(r.tactic()), 1, Integer::sum);
                inReach &= tilings <= TILINGS_PER_KERNEL;
            }
            timed[i] = i < toTime && inReach || drawn.contains(i)
                    || options.level() > 0 && r.tactic().key().equals(byDefault.key())
                    || simulatedDevice(r.tactic()) != null; // a model's figure costs nothing to get
            if (timed[i]) timedCount++;
        }
        // Below level 3, a layer whose only candidate in reach is the default has no choice to make: timing it
        // would only cost the build (a quarter of a second for a oneDNN convolution, over a second for a Java
        // kernel the JIT compiler has not finished), so it keeps the default untimed.
        if (timedCount == 1 && options.level() < 3) java.util.Arrays.fill(timed, false);
        Map<String, Candidate> results = new LinkedHashMap<>();
        // The default first: the figure the others race against.
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < ranked.size(); i++) {
            if (ranked.get(i).tactic().key().equals(byDefault.key())) order.addFirst(i);
            else order.add(i);
        }
        double fastest = Double.POSITIVE_INFINITY;
        // The chosen tactic is the fastest timed, or the default where the fastest wins by too little: only those two
        // kernels can be the plan's, every other one is freed as soon as it is timed.
        Kernel defaultKernel = null, fastestKernel = null;
        String fastestKey = null;
        Set<String> measuredHere = new java.util.HashSet<>();
        for (int i : order) {
            Ranked r = ranked.get(i);
            Tactic t = r.tactic();
            boolean time = timed[i];
            // A tiling predicted slower than the time to beat is not worth its warm-up: the tiling model, scaled by
            // what the kernel's earlier runs showed, is closer to the truth than the model's figure for a library.
            if (time && options.level() < 3 && t.tunable() != null && !deviceTiling(t)
                    && r.predictedMs() > BEYOND_MEASURED * fastest) {
                time = false;
            }
            if (!time) {
                results.put(t.key(), new Candidate(t.key(), r.predictedMs(), Double.NaN, null));
                continue;
            }
            var cached = cache.get(sig, t.key());
            if (cached.isPresent()) {
                counts[1]++;
                observe(t, threads, cached.get().medianMs());
                results.put(t.key(), new Candidate(t.key(), r.predictedMs(), cached.get().medianMs(), null));
                // the time to beat, as if measured now: else a warm build would time what the cold one left out
                fastest = Math.min(fastest, cached.get().medianMs());
                continue;
            }
            Measured m;
            io.jengine.spi.Device simulated = simulatedDevice(t);
            if (simulated != null) {
                m = simulate(t, r.predictedMs(), n, graph, simulated);
            } else {
                m = measure(t, r.predictedMs(), trials.of(t), sig, threads, measurer, fastest);
                if (m.candidate().timed()) measuredHere.add(t.key());
            }
            Candidate c = m.candidate();
            Kernel k = keep == null ? null : m.kernel();
            if (k == null && m.kernel() != null) m.kernel().close();
            if (c.timed()) {
                counts[0]++;
                if (t.key().equals(byDefault.key())) {
                    defaultKernel = k;
                } else if (c.measuredMs() < fastest) {
                    if (fastestKernel != null) fastestKernel.close();
                    fastestKernel = k;
                    fastestKey = t.key();
                } else if (k != null) {
                    k.close();
                }
                fastest = Math.min(fastest, c.measuredMs());
            } else if (k != null) {
                k.close();
            }
            results.put(t.key(), c);
        }
        if (options.level() >= 3 && !measuredHere.isEmpty()) {
            retime(ranked.stream().map(Ranked::tactic).toList(), results, measuredHere, trials, sig, measurer);
        }
        Map<String, Candidate> inRankOrder = new LinkedHashMap<>();
        for (Ranked r : ranked) inRankOrder.put(r.tactic().key(), results.get(r.tactic().key()));
        results = inRankOrder;
        Candidate best = null;
        for (Candidate c : results.values()) {
            if (options.level() == 0) {
                if (best == null || !Double.isNaN(c.predictedMs()) && (Double.isNaN(best.predictedMs())
                        || c.predictedMs() < best.predictedMs())) best = c;
            } else if (c.timed() && (best == null || c.measuredMs() < best.measuredMs())) {
                best = c;
            }
        }
        Candidate def = results.get(byDefault.key());
        if (best == null) best = def != null ? def : results.values().iterator().next();
        if (def != null && def.timed() && best.timed() && best != def && best.measuredMs() > (1 - MIN_GAIN) * def.measuredMs()) {
            // A win smaller than what isolated timing can vouch for is no reason to leave the recommended tactic.
            best = def;
        }
        Kernel chosen = best.key().equals(byDefault.key()) ? defaultKernel
                : best.key().equals(fastestKey) ? fastestKernel : null;
        if (defaultKernel != null && defaultKernel != chosen) defaultKernel.close();
        if (fastestKernel != null && fastestKernel != chosen) fastestKernel.close();
        if (chosen != null) keep.keep(n, graph, threads, best.key(), chosen);
        return new LayerTuning(n.name(), n.opType(), sig, best.key(), byDefault.key(), best.predictedMs(),
                best.measuredMs(), def == null ? Double.NaN : def.measuredMs(), List.copyOf(results.values()), null);
    }

    /**
     * Level 3 times every candidate {@link #PASSES_AT_LEVEL_3} times, in passes that alternate the order (backwards,
     * then forwards again), and keeps each one's best pass. One pass over a layer's two hundred candidates takes
     * seconds, in which a shared machine slows down and speeds up again: within a single pass a whole run of
     * neighbouring candidates then measured a third slower than the next run, which made the times track the order
     * they were taken in rather than the candidates. With passes in opposite orders every candidate is also timed at
     * the other end of the layer's time, and, as in {@link Measurer}, interference only ever adds time.
     */
    private void retime(List<Tactic> tactics, Map<String, Candidate> results, Set<String> measuredHere,
                        Trials trials, String sig, Measurer measurer) {
        List<Tactic> again = tactics.stream().filter(t -> measuredHere.contains(t.key())).toList();
        for (int pass = 1; pass < PASSES_AT_LEVEL_3; pass++) {
            List<Tactic> order = new ArrayList<>(again);
            if (pass % 2 == 1) java.util.Collections.reverse(order);
            for (Tactic t : order) {
                Candidate before = results.get(t.key());
                Kernel k;
                try {
                    k = t.prepare().get();
                } catch (RuntimeException e) {
                    continue; // it prepared once: a failure now leaves its first figure
                }
                try {
                    double fastest = results.values().stream().filter(Candidate::timed)
                            .mapToDouble(Candidate::measuredMs).min().orElse(Double.POSITIVE_INFINITY);
                    Timing timing = measurer.time(trials.of(t), k, fastest);
                    if (timing.medianMs() < before.measuredMs()) {
                        cache.put(sig, t.key(), timing);
                        results.put(t.key(), new Candidate(t.key(), before.predictedMs(), timing.medianMs(), null));
                    }
                } catch (RuntimeException e) {
                    // it ran once: keep that figure
                } finally {
                    k.close();
                }
            }
        }
    }

    /** How many times level 3 times each candidate (see {@link #retime}). */
    static final int PASSES_AT_LEVEL_3 = 3;

    /** Tunable tactics become one candidate per constructed tiling; keys stay unique. */
    private List<Tactic> expand(List<Tactic> offered) {
        Map<String, Tactic> out = new LinkedHashMap<>();
        for (Tactic t : offered) {
            out.putIfAbsent(t.key(), t);
            if (t.tunable() == null) continue;
            DeviceHardware hw = hardwareOf(t);
            // a device's tiling is sized to its hardware; one that does not say keeps its own
            if (hw == null && deviceOf(t) != null) continue;
            List<GemmTiling> tilings = hw != null ? WorkGroupSpace.construct(t.tunable(), hw)
                    : GemmSpace.construct(t.tunable(), device);
            for (GemmTiling tiling : tilings) {
                try {
                    Tactic v = t.tunable().with(tiling);
                    out.putIfAbsent(v.key(), v);
                } catch (IllegalArgumentException notRunnable) {
                    // A tiling the backend's micro-kernels cannot run is simply not a candidate.
                }
            }
        }
        return new ArrayList<>(out.values());
    }

    /** A candidate's timing, with its kernel when it ran (the caller keeps it or frees it). */
    private record Measured(Candidate candidate, Kernel kernel) {}

    private Measured measure(Tactic t, double predictedMs, KernelTrial trial, String sig, int threads,
                             Measurer measurer, double fastestMs) {
        Kernel k;
        try {
            k = t.prepare().get();
        } catch (RuntimeException e) {
            return new Measured(new Candidate(t.key(), predictedMs, Double.NaN, "prepare: " + e.getMessage()), null);
        }
        Timing timing;
        try {
            // A warm-up ends early at the predicted speed only where the prediction is the model's own (a tiling it
            // prices) or this device's (a kind measured before): a plugin's sparse product, priced by a prior as a
            // dense one, reached that speed interpreted and was timed there, at 40 times its compiled time.
            boolean trusted = t.tunable() != null || calibration.measured(CostModel.kindOf(t));
            timing = measurer.withWarmup(0, trusted ? REACHED * predictedMs : Double.NaN).time(trial, k, fastestMs);
            // (A device's kernel timed by the device's clock waits for no compiler: its figure stands.)
            if (timing.medianMs() > SUSPICIOUS * predictedMs && trial.deviceMemory() == null) {
                // Far slower than the model expects: most often Java code of a path this layer's shape takes first
                // (an edge tile, a remainder loop), still waiting for the JIT's optimizing compiler. Warm it longer.
                // A native kernel has only a little Java around it (an activation loop, 13 ms a run interpreted on
                // ResNet-50's first layer, 0.1 compiled), compiled within a fraction of the Java kernels' wait.
                timing = measurer.withWarmup(k.compiledByJit() ? LONG_WARMUP_SECONDS : NATIVE_WARMUP_SECONDS,
                        SUSPICIOUS * predictedMs).time(trial, k);
            }
        } catch (RuntimeException e) {
            // A kernel that failed is no one's: free its native primitives and weights now, not at a collection.
            k.close();
            return new Measured(new Candidate(t.key(), predictedMs, Double.NaN, "run: " + e.getMessage()), null);
        }
        cache.put(sig, t.key(), timing);
        observe(t, threads, timing.medianMs());
        return new Measured(new Candidate(t.key(), predictedMs, timing.medianMs(), null), k);
    }

    /**
     * The cost model's time for a tactic: a tiling on a device of work-groups by {@link DeviceCostModel}, with that
     * device's measured peaks; anything else by the host's {@link CostModel}.
     */
    private double predict(Tactic t, int threads) {
        DeviceHardware hw = t.tunable() == null ? null : hardwareOf(t);
        return hw != null ? DeviceCostModel.predict(t.tunable().problem(), t.tunable().tiling(), hw)
                : model.predict(t, threads);
    }

    /**
     * Whether a tactic is a tiling of a device's kernel: those compete only with each other, so the model's top K of
     * them are timed as Roller times them, without the host's shortcuts (a tiling measured against a library's kernel,
     * the few best tilings of a kind standing for it).
     */
    private boolean deviceTiling(Tactic t) { return t.tunable() != null && hardwareOf(t) != null; }

    /** The device a tactic's backend is bound to; null for the host's backends. */
    private io.jengine.spi.Device deviceOf(Tactic t) {
        for (io.jengine.spi.Backend b : backends.ordered()) if (b.name().equals(t.backend())) return b.device();
        return null;
    }

    /** The parallel hardware of the device a tactic runs on, where it says (its peaks measured once, then cached). */
    private DeviceHardware hardwareOf(Tactic t) {
        io.jengine.spi.Device d = deviceOf(t);
        if (d == null || unmeasured.contains(d.name())) return null;
        try {
            return d.hardware();
        } catch (RuntimeException e) {
            // a device that cannot be measured keeps its kernels' own tilings; the build goes on
            unmeasured.add(d.name());
            progress.println("warning: " + d.name() + " could not be measured (" + e.getMessage() + "); its layers keep"
                    + " their default tilings");
            return null;
        }
    }

    /** Devices whose hardware could not be measured: asked once. */
    private final Set<String> unmeasured = new java.util.HashSet<>();

    /**
     * A layer's trials: one on the host, and one per device its tactics run on, with that device's memory holding the
     * inputs (closed with the trials).
     */
    private final class Trials implements AutoCloseable {
        private final Node node;
        final Graph graph;
        private final int threads;
        private KernelTrial host;
        private final Map<io.jengine.spi.Device, KernelTrial> onDevice = new HashMap<>();
        private final List<io.jengine.spi.DeviceMemory> memories = new ArrayList<>();

        Trials(Node node, Graph graph, int threads) {
            this.node = node;
            this.graph = graph;
            this.threads = threads;
        }

        KernelTrial of(Tactic t) {
            io.jengine.spi.Device d = deviceOf(t);
            if (d == null) {
                if (host == null) host = new KernelTrial(node, TrialInputs.of(node, graph), threads);
                return host;
            }
            KernelTrial trial = onDevice.get(d);
            if (trial == null) {
                io.jengine.spi.DeviceMemory memory = d.openMemory();
                memories.add(memory);
                trial = new KernelTrial(node, TrialInputs.of(node, graph), threads, memory);
                onDevice.put(d, trial);
            }
            return trial;
        }

        @Override
        public void close() { memories.forEach(io.jengine.spi.DeviceMemory::close); }
    }

    /**
     * The device of a tactic whose backend is bound to a device that shares layers with the host and is simulated
     * (it costs copies by a model: {@link io.jengine.spi.Device#transferSeconds}); null otherwise.
     */
    private io.jengine.spi.Device simulatedDevice(Tactic t) {
        for (io.jengine.spi.Backend b : backends.ordered()) {
            if (!b.name().equals(t.backend())) continue;
            io.jengine.spi.Device d = b.device();
            return d != null && b.sharesLayersWithHost() && !Double.isNaN(d.transferSeconds(0)) ? d : null;
        }
        return null;
    }

    /**
     * A simulated device's time for the layer: its kernel's model ({@link Kernel#simulatedSeconds}) plus copying the
     * layer's non-constant inputs to the device and its outputs back, since a layer placed there alone pays both (the
     * plan copies only at partition boundaries, so neighbours on the device share them: the per-layer choice is the
     * cautious one).
     */
    private Measured simulate(Tactic t, double predictedMs, Node n, Graph graph, io.jengine.spi.Device device) {
        Kernel k;
        try {
            k = t.prepare().get();
        } catch (RuntimeException e) {
            return new Measured(new Candidate(t.key(), predictedMs, Double.NaN, "prepare: " + e.getMessage()), null);
        }
        double seconds = k.simulatedSeconds();
        if (Double.isNaN(seconds)) {
            k.close();
            return new Measured(new Candidate(t.key(), predictedMs, Double.NaN, "no simulated time"), null);
        }
        for (String in : n.inputs()) {
            if (!in.isEmpty() && !graph.initializers().containsKey(in)) seconds += device.transferSeconds(
                    io.jengine.tensor.ValueType.staticBytes(graph.typeOf(in)));
        }
        for (String out : n.outputs()) {
            if (!out.isEmpty()) seconds += device.transferSeconds(io.jengine.tensor.ValueType.staticBytes(graph.typeOf(out)));
        }
        return new Measured(new Candidate(t.key(), predictedMs, seconds * 1e3, null), k);
    }

    /** Feeds a kernel's measured time, less what the call costs, to the calibration of its kind's work. */
    private void observe(Tactic t, int threads, double measuredMs) {
        if (deviceTiling(t)) return; // the device's model is its own, not the host's to calibrate
        double work = measuredMs / 1e3 - CostModel.callSeconds();
        if (t.tunable() != null) {
            calibration.observeTunable(CostModel.kindOf(t), model.gemmWork(t.tunable().problem(), t.tunable().tiling(),
                    threads), work);
            return;
        }
        if (t.workload() == null) return;
        calibration.observe(CostModel.kindOf(t), model.roofline(t.workload(), threads), work);
    }

    private static String summary(LayerTuning t) {
        long timed = t.candidates().stream().filter(Candidate::timed).count();
        String s = t.candidates().size() + " candidates, " + timed + " timed: " + t.chosen();
        if (!Double.isNaN(t.measuredMs())) s += String.format(" %.3f ms", t.measuredMs());
        if (!Double.isNaN(t.speedup())) s += String.format(" (%.2fx the default)", t.speedup());
        return s;
    }

    private static String shorten(String s, int max) { return s.length() <= max ? s : s.substring(0, max - 3) + "..."; }
}
