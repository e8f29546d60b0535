package io.jengine.runtime;

import io.jengine.infer.ShapeInference;
import io.jengine.ir.Graph;
import io.jengine.ir.Model;
import io.jengine.ir.ValueInfo;
import io.jengine.tensor.Value;
import io.jengine.onnx.OnnxImporter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A loaded, validated, ready-to-run model. Immutable after construction: one engine can be shared by any number of
 * threads, each calling {@link #run} (or holding its own {@link Session}) concurrently.
 *
 * <pre>{@code
 * try (Engine engine = Engine.load(Path.of("model.onnx"));
 *      Session session = engine.newSession()) {
 *     Map<String, Value> out = session.run(Map.of("input", tensor));
 * }
 * }</pre>
 */
public final class Engine implements AutoCloseable {
    private final Model model;
    private final GraphPlan plan;
    private final InputBinder binder;
    private volatile boolean closed;

    private Engine(Model model, Backends backends) {
        // Static types let backends decide per node (element types, ranks) and catch inconsistent graphs at load time.
        Graph typed = ShapeInference.infer(model.graph());
        this.model = new Model(model.irVersion(), model.producerName(), model.producerVersion(), typed,
                model.metadata());
        this.plan = GraphPlan.compile(typed, Set.of(), backends);
        this.binder = new InputBinder(typed);
    }

    /** Reads, validates and plans an ONNX model file with every backend on the class path. */
    public static Engine load(Path modelFile) {
        return new Engine(OnnxImporter.load(modelFile), Backends.discover());
    }

    /** As {@link #load(Path)} for a model held in memory; external data is looked up relative to the working directory. */
    public static Engine load(byte[] modelBytes) {
        return new Engine(OnnxImporter.load(modelBytes, null), Backends.discover());
    }

    /** Plans an already imported (possibly optimised) model. */
    public static Engine of(Model model) { return new Engine(model, Backends.discover()); }

    public static Engine of(Model model, Backends backends) { return new Engine(model, backends); }

    public Model model() { return model; }

    public Graph graph() { return model.graph(); }

    /** The inputs a caller feeds (graph inputs that are not initializers), in declaration order. */
    public List<ValueInfo> inputs() { return model.graph().runtimeInputs(); }

    public List<ValueInfo> outputs() { return model.graph().outputs(); }

    /** Which backend runs each node, in execution order, as "node label -> backend". */
    public List<String> placement() {
        return plan.steps().stream().map(s -> s.node().label() + " -> " + s.backend()).toList();
    }

    /** A handle for running; sessions are cheap, and independent of each other. */
    public Session newSession() {
        checkOpen();
        return new Session(this);
    }

    /**
     * Runs the model once. Thread-safe. Inputs are checked against the model's declared types first; the result maps
     * every graph output name to its value, in the model's output order.
     */
    public Map<String, Value> run(Map<String, ? extends Value> inputs) {
        return run(inputs, null);
    }

    /** As {@link #run(Map)}, reporting every executed node to {@code observer} (may be null). */
    public Map<String, Value> run(Map<String, ? extends Value> inputs, RunObserver observer) {
        checkOpen();
        Frame frame = new Frame(observer);
        model.graph().initializers().forEach(frame::put);
        binder.bind(inputs, frame);
        plan.execute(frame);
        return binder.collectOutputs(frame);
    }

    private void checkOpen() {
        if (closed) throw new IllegalStateException("engine is closed");
    }

    /** Releases the engine's weights (garbage-collected memory, dropped now) and refuses further runs. */
    @Override
    public void close() {
        closed = true;
    }
}
