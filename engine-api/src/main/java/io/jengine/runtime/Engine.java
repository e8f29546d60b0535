package io.jengine.runtime;

import io.jengine.errors.GraphValidationException;
import io.jengine.infer.ShapeInference;
import io.jengine.ir.Graph;
import io.jengine.ir.Model;
import io.jengine.ir.ValueInfo;
import io.jengine.onnx.OnnxImporter;
import io.jengine.tensor.Tensor;
import io.jengine.tensor.Value;
import io.jengine.tensor.ValueType;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * A loaded, validated, ready-to-run model. Immutable after construction: one engine can be shared by any number of
 * threads, each holding its own {@link Session} (or calling {@link #run}, which lends out pooled sessions).
 *
 * <p>The plan is compiled per concrete set of input shapes: at load time for the declared shapes (so an unsupported
 * node or a bad attribute is an error before any run), then, for models with dynamic dimensions, once more for each
 * new set of shapes a run brings, with every intermediate shape known, so that tactics see their real shapes and the
 * memory plan places every intermediate. Those plans are cached.
 *
 * <pre>{@code
 * try (Engine engine = Engine.load(Path.of("model.onnx"));
 *      Session session = engine.newSession()) {
 *     Map<String, Value> out = session.run(Map.of("input", tensor));
 * }
 * }</pre>
 * {@code Engine.load} plans the model as it is; the builder in the autotune module optimizes it first.
 */
public final class Engine implements AutoCloseable {
    /** How many shape-specialised plans an engine keeps; the least recently used is dropped beyond that. */
    private static final int PLAN_CACHE = 16;

    private static final System.Logger LOG = System.getLogger(Engine.class.getName());

    private final Model model;
    /** The backends plans are compiled with: the host's alone once a device has been lost. */
    private volatile Backends backends;
    private final ShapeSpecializer specializer;
    private final EngineOptions options;
    private volatile GraphPlan declared;
    /** Bumped when the plans are replaced (a device lost): a session holding an older plan plans again. */
    private volatile long generation;
    private volatile String deviceFault;
    /** Plans replaced while runs may still use them: closed with the engine. */
    private final List<GraphPlan> retired = new ArrayList<>();
    private final boolean declaredIsStatic;
    /** The parts this engine's plans derived, shared between them; null when there is only the declared plan. */
    private final SharedParts shared;
    /** Shapes being planned now, so that a second session needing the same plan waits for it instead of planning too. */
    private final java.util.concurrent.ConcurrentHashMap<String, java.util.concurrent.CompletableFuture<GraphPlan>>
            planning = new java.util.concurrent.ConcurrentHashMap<>();
    private final InputBinder binder;
    private final Map<String, GraphPlan> byShape;
    private final ConcurrentLinkedQueue<Session> idle = new ConcurrentLinkedQueue<>();
    private volatile boolean closed;
    private final java.util.concurrent.atomic.AtomicInteger inFlight = new java.util.concurrent.atomic.AtomicInteger();
    private final java.util.concurrent.atomic.AtomicBoolean released = new java.util.concurrent.atomic.AtomicBoolean();

    private Engine(Model model, Backends backends, EngineOptions options, ShapeSpecializer specializer) {
        // Static types let backends decide per node (element types, ranks) and catch inconsistent graphs at load time.
        Graph typed = ShapeInference.infer(model.graph(), backends.inference());
        this.model = new Model(model.irVersion(), model.producerName(), model.producerVersion(), typed,
                model.metadata());
        this.backends = backends;
        this.declaredIsStatic = GraphPlan.hasConcreteInputs(typed);
        // Plans made per input shape share what their kernels derive from the weights (see SharedParts).
        this.shared = declaredIsStatic ? null : new SharedParts(options.packed());
        this.options = shared == null ? options : options.withPacked(shared);
        this.specializer = specializer;
        this.declared = GraphPlan.compile(typed, Set.of(), backends, this.options);
        this.binder = new InputBinder(typed, options.inputRanges());
        this.byShape = new LinkedHashMap<>(PLAN_CACHE, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, GraphPlan> eldest) { return size() > PLAN_CACHE; }
        };
    }

    /** Reads, validates and plans an ONNX model file, unoptimized, with every backend on the class path. */
    public static Engine load(Path modelFile) {
        return new Engine(OnnxImporter.load(modelFile), Backends.discover(), EngineOptions.defaults(), ShapeInference::infer);
    }

    /** As {@link #load(Path)} for a model held in memory; external data is looked up relative to the working directory. */
    public static Engine load(byte[] modelBytes) {
        return new Engine(OnnxImporter.load(modelBytes, null), Backends.discover(), EngineOptions.defaults(), ShapeInference::infer);
    }

    /** Plans an already imported (possibly optimized) model. */
    /**
     * The names of the nodes of {@code typed} (every value typed, static shapes) that a plan on the backends' device
     * runs on the host although the device takes them, their copies outweighing their work (see
     * {@link EngineOptions#host()}); empty on the host, without the host's speed, or where the graph cannot be
     * planned.
     */
    public static java.util.Set<String> movedToHost(io.jengine.ir.Graph typed, Backends backends, EngineOptions options) {
        if (backends.device() == null || options.host() == null) return java.util.Set.of();
        try {
            return GraphPlan.movedToHost(typed, backends, options);
        } catch (RuntimeException e) {
            return java.util.Set.of(); // planning reports it
        }
    }

    public static Engine of(Model model) { return of(model, Backends.discover(), EngineOptions.defaults()); }

    public static Engine of(Model model, Backends backends) { return of(model, backends, EngineOptions.defaults()); }

    public static Engine of(Model model, Backends backends, EngineOptions options) {
        return new Engine(model, backends, options, g -> ShapeInference.infer(g, backends.inference()));
    }

    /**
     * As {@link #of(Model, Backends, EngineOptions)}, with {@code specializer} rewriting the graph once a run's input
     * shapes are known (the builder folds and fuses again there, as TensorRT builds per optimization profile).
     */
    public static Engine of(Model model, Backends backends, EngineOptions options, ShapeSpecializer specializer) {
        return new Engine(model, backends, options, specializer);
    }

    public Model model() { return model; }

    public Graph graph() { return model.graph(); }

    public EngineOptions options() { return options; }

    InputBinder binder() { return binder; }

    /** The inputs a caller feeds (graph inputs that are not initializers), in declaration order. */
    public List<ValueInfo> inputs() { return model.graph().runtimeInputs(); }

    public List<ValueInfo> outputs() { return model.graph().outputs(); }

    /** The tactic that runs each node of the plan for the declared shapes, in execution order, as "node label -> key". */
    public List<String> placement() {
        return declared.steps().stream().map(s -> s.node().label() + " -> " + s.tactic().key()
                + (s.elided() ? " (view, not run)" : "")).toList();
    }

    /**
     * The tactic key of every named node of the plan for the declared shapes, in execution order: what a plan file
     * stores so that it runs the same kernels wherever it loads.
     */
    public java.util.Map<String, String> tacticsByLayer() {
        java.util.Map<String, String> m = new java.util.LinkedHashMap<>();
        for (PlanStep s : declared.steps()) {
            if (!s.node().name().isEmpty()) m.put(s.node().name(), s.tactic().key());
        }
        return m;
    }

    /**
     * The packed parts of the plan's kernels for the declared shapes, by layer name (layers without any left out):
     * what a plan file stores so that loading it does not derive them again ({@link io.jengine.spi.PackedPart}).
     */
    public java.util.Map<String, List<io.jengine.spi.PackedPart>> packedByLayer() {
        java.util.Map<String, List<io.jengine.spi.PackedPart>> m = new java.util.LinkedHashMap<>();
        for (PlanStep s : declared.steps()) {
            if (s.node().name().isEmpty() || s.kernel() == null) continue;
            List<io.jengine.spi.PackedPart> parts = s.kernel().packed();
            if (!parts.isEmpty()) m.put(s.node().name(), parts);
        }
        return m;
    }

    /**
     * The packed parts of the plan for the input shapes {@code shapes} (by input name; inputs of static shape may be
     * left out), planned now where no run has asked for it yet: what a plan file with an optimization profile stores,
     * for its optimal shapes, so that loading it derives nothing for them, nor for other batch sizes where the
     * kernels pick the same layouts ({@link SharedParts}). Empty where an input has no concrete shape.
     */
    public java.util.Map<String, List<io.jengine.spi.PackedPart>> packedByLayer(Map<String, long[]> shapes) {
        if (declaredIsStatic) return packedByLayer();
        Map<String, Value> feeds = new LinkedHashMap<>();
        try {
            for (ValueInfo in : model.graph().runtimeInputs()) {
                long[] dims = shapes.containsKey(in.name()) ? shapes.get(in.name()) : ValueType.staticDims(in.type());
                if (dims == null || !(in.type() instanceof ValueType.TensorType tt)) return Map.of();
                feeds.put(in.name(), Tensor.allocate(tt.elementType(), dims));
            }
            GraphPlan plan = planFor(binder.bind(feeds));
            java.util.Map<String, List<io.jengine.spi.PackedPart>> m = new java.util.LinkedHashMap<>();
            for (PlanStep s : plan.steps()) {
                if (s.node().name().isEmpty() || s.kernel() == null) continue;
                List<io.jengine.spi.PackedPart> parts = s.kernel().packed();
                if (!parts.isEmpty()) m.put(s.node().name(), parts);
            }
            return m;
        } finally {
            for (Value v : feeds.values()) if (v instanceof Tensor t) t.close();
        }
    }

    /**
     * The memory plan for the declared input shapes: arena bytes, the peak of bytes alive at once among the values it
     * places, and how many values it places (all intermediates when every shape is static).
     */
    public MemoryReport memoryReport() {
        MemoryLayout l = declared.layout();
        return l == null ? new MemoryReport(0, 0, 0) : new MemoryReport(l.arenaBytes(), l.peakLiveBytes(), l.placedCount());
    }

    /**
     * Where the plan for the declared shapes runs each node (a device name, {@value Backends#HOST} for the host) and
     * the copies it makes between host and devices, in order: what {@code inspect} shows as partitions.
     */
    public DevicePlan devicePlan() {
        List<DevicePlan.Step> steps = new java.util.ArrayList<>();
        GraphPlan declared = this.declared;
        for (PlanStep s : declared.steps()) {
            steps.add(new DevicePlan.Step(s.node(), s.device() == null ? Backends.HOST : s.device().name(),
                    s.tactic().key(), s.kernel() == null ? Double.NaN : s.kernel().simulatedSeconds(),
                    declared.placement().hostReason(s.node())));
        }
        List<DevicePlan.Copy> copies = new java.util.ArrayList<>();
        for (Transfer t : declared.transfers()) {
            String name = declared.nameOf(t.slot());
            copies.add(t.toDevice() ? new DevicePlan.Copy(name, Backends.HOST, t.device().name(), t.constant())
                    : new DevicePlan.Copy(name, t.device().name(), Backends.HOST, false));
        }
        return new DevicePlan(List.copyOf(steps), List.copyOf(copies));
    }

    /** The nodes of a plan with the device each runs on, and the copies of values between host and devices. */
    public record DevicePlan(List<Step> steps, List<Copy> copies) {
        /**
         * {@code simulatedSeconds}: the kernel's time on a simulated device ({@link io.jengine.spi.Kernel#simulatedSeconds}),
         * else NaN; {@code hostReason}: why a node the device takes runs on the host (its copies outweigh it), else
         * null.
         */
        public record Step(io.jengine.ir.Node node, String device, String tactic, double simulatedSeconds,
                           String hostReason) {}

        /** {@code once}: a constant, copied on a session's first run only. */
        public record Copy(String value, String from, String to, boolean once) {}
    }

    /** What a memory plan takes: the arena, the peak of bytes live at once, and the number of values placed. */
    public record MemoryReport(long arenaBytes, long peakLiveBytes, int placedValues) {}

    /** A handle for running; sessions are cheap until their first run allocates their arena. */
    public Session newSession() {
        checkOpen();
        return new Session(this);
    }

    /**
     * Runs the model once. Thread-safe: each call borrows an idle session (its arena reused) or makes one. Inputs are
     * checked against the model's declared types first; the result maps every graph output name to its value, in
     * the model's output order.
     */
    public Map<String, Value> run(Map<String, ? extends Value> inputs) { return run(inputs, null); }

    /** As {@link #run(Map)}, reporting every executed node to {@code observer} (may be null). */
    public Map<String, Value> run(Map<String, ? extends Value> inputs, RunObserver observer) {
        checkOpen();
        Session s = idle.poll();
        if (s == null) s = new Session(this);
        try {
            return s.run(inputs, observer);
        } finally {
            if (closed) s.close(); else idle.offer(s);
        }
    }

    /** The plan generation: it changes when the engine stops running on a lost device. */
    long generation() { return generation; }

    /**
     * The first device failure that made this engine leave its device ("opencl:0: ..."), or null while it runs where
     * it was built to.
     */
    public String deviceFault() { return deviceFault; }

    /**
     * {@code fault} says the device the plans run on is gone: from the next run, every plan is compiled for the host
     * backends alone (the plans in use stay valid until the engine closes). Returns whether this call made the switch
     * (false when the engine had already left that device or never ran on it).
     */
    synchronized boolean deviceLost(io.jengine.errors.DeviceException fault) {
        Backends current = backends;
        if (current.device() == null || !current.device().name().equals(fault.device())) return false;
        Backends host = current.host();
        GraphPlan hostPlan;
        try {
            hostPlan = GraphPlan.compile(model.graph(), Set.of(), host, options);
        } catch (RuntimeException e) {
            // The host cannot run this plan (a forced device tactic): the engine stays where it was built to run.
            LOG.log(System.Logger.Level.WARNING, "device " + fault.device() + " failed and the host cannot take over: "
                    + e.getMessage());
            return false;
        }
        synchronized (byShape) {
            retired.add(declared);
            retired.addAll(byShape.values());
            byShape.clear();
        }
        backends = host;
        declared = hostPlan;
        deviceFault = fault.getMessage();
        generation++;
        LOG.log(System.Logger.Level.WARNING, "device " + fault.device() + " failed (" + fault.getMessage()
                + "); this engine runs on the host from its next run");
        return true;
    }

    /** The plan for the shapes of these bound inputs: the declared plan when it is static, else a cached one. */
    GraphPlan planFor(Value[] bound) {
        GraphPlan declared = this.declared;
        if (declaredIsStatic) return declared;
        StringBuilder key = new StringBuilder();
        for (Value v : bound) key.append(v instanceof Tensor t ? Arrays.toString(t.shape()) : "-").append(';');
        synchronized (byShape) {
            GraphPlan p = byShape.get(key.toString());
            if (p != null) return p;
        }
        var mine = new java.util.concurrent.CompletableFuture<GraphPlan>();
        var other = planning.putIfAbsent(key.toString(), mine);
        if (other != null) {
            try {
                return other.join();
            } catch (java.util.concurrent.CompletionException e) {
                // the same shapes fail the same way: the error of the session that planned them
                if (e.getCause() instanceof RuntimeException r) throw r;
                if (e.getCause() instanceof Error err) throw err;
                throw e;
            }
        }
        try {
            GraphPlan p;
            synchronized (byShape) {
                p = byShape.get(key.toString()); // planned and cached between the look above and this one
            }
            if (p == null) p = plan(bound, key.toString());
            mine.complete(p);
            return p;
        } catch (RuntimeException | Error e) {
            mine.completeExceptionally(e);
            throw e;
        } finally {
            planning.remove(key.toString(), mine);
        }
    }

    /** Plans for the shapes of {@code bound} and caches the plan under {@code key}. */
    private GraphPlan plan(Value[] bound, String key) {
        long planned = generation;
        GraphPlan p = specialize(bound);
        boolean cached;
        synchronized (byShape) {
            // Not cached when the engine left its device meanwhile (the next run plans for the host); kept to close.
            cached = planned == generation;
            if (cached) byShape.put(key, p);
        }
        if (!cached) {
            synchronized (this) {
                retired.add(p);
            }
        }
        return p;
    }

    private GraphPlan specialize(Value[] bound) {
        Graph g = model.graph();
        Backends backends = this.backends;
        List<ValueInfo> inputs = new ArrayList<>(g.inputs().size());
        for (int i = 0; i < g.inputs().size(); i++) {
            ValueInfo in = g.inputs().get(i);
            inputs.add(bound[i] instanceof Tensor t && in.type() instanceof ValueType.TensorType
                    ? new ValueInfo(in.name(), ValueType.tensor(t.dtype(), t.shape())) : in);
        }
        Graph concrete;
        try {
            concrete = ShapeInference.infer(specializer.specialize(g.toBuilder().inputs(inputs).build()),
                    backends.inference());
        } catch (GraphValidationException | io.jengine.errors.ModelFormatException e) {
            // The concrete shapes contradict a shape rule; the declared plan runs them and reports any real error
            // from the kernel that meets it.
            return this.declared;
        }
        return GraphPlan.compile(concrete, Set.of(), backends, options);
    }

    void checkOpen() {
        if (closed) throw new IllegalStateException("engine is closed");
    }

    /**
     * Marks a run in flight: the kernels it may use stay alive until it {@link #leave}s. The counter goes up before
     * {@code closed} is read, and {@link #close} sets {@code closed} before reading the counter, so that either the
     * run sees the engine closed or the close sees the run, and whichever comes last frees the kernels.
     */
    void enter() {
        inFlight.incrementAndGet();
        if (closed) {
            leave();
            throw new IllegalStateException("engine is closed");
        }
    }

    void leave() {
        if (inFlight.decrementAndGet() == 0 && closed) releaseKernels();
    }

    /**
     * Refuses further runs, frees the pooled sessions' memory, and frees the kernels' native resources (oneDNN
     * primitives, reordered weights) as soon as no run is in flight: at once when none is, else when the last one ends.
     */
    @Override
    public void close() {
        closed = true;
        for (Session s; (s = idle.poll()) != null; ) s.close();
        if (inFlight.get() == 0) releaseKernels();
    }

    private void releaseKernels() {
        if (!released.compareAndSet(false, true)) return;
        List<GraphPlan> plans = new ArrayList<>();
        plans.add(declared);
        synchronized (byShape) {
            for (GraphPlan p : byShape.values()) if (p != declared) plans.add(p);
            byShape.clear();
        }
        synchronized (this) {
            for (GraphPlan p : retired) if (!plans.contains(p)) plans.add(p);
            retired.clear();
        }
        for (GraphPlan p : plans) p.close();
        if (shared != null) shared.close();
    }
}
