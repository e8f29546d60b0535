package io.jengine.runtime;

import io.jengine.errors.EngineException;
import io.jengine.errors.GraphValidationException;
import io.jengine.ir.Attribute;
import io.jengine.ir.Graph;
import io.jengine.ir.GraphOrder;
import io.jengine.ir.Node;
import io.jengine.ir.ValueInfo;
import io.jengine.spi.Backend;
import io.jengine.spi.Device;
import io.jengine.spi.Kernel;
import io.jengine.spi.NodeContext;
import io.jengine.spi.Tactic;
import io.jengine.spi.TacticDeclinedException;
import io.jengine.tensor.Tensor;
import io.jengine.tensor.UnsupportedDTypeException;
import io.jengine.tensor.Value;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A graph made ready to run: nodes in a valid execution order, each with its chosen tactic's kernel prepared, every
 * value numbered by a frame slot, sub-graphs (If/Loop/Scan bodies) planned recursively, and for the main graph a
 * {@link MemoryLayout} placing intermediates in an arena. Immutable and shared by every session; each run keeps its
 * values in a {@link Frame}.
 */
final class GraphPlan {
    private final Graph graph;
    private final Map<String, Integer> slots;
    private final List<PlanStep> steps;
    private final Map<Graph, GraphPlan> subplans;
    private final int[] inputSlots;
    private final int[] outputSlots;
    private final Value[] constants;
    private final MemoryLayout layout;
    private final Transfer[] atEnd;
    private final String[] names;
    private final DevicePlacement placement;

    private GraphPlan(Graph graph, Map<String, Integer> slots, List<PlanStep> steps, Map<Graph, GraphPlan> subplans,
                      MemoryLayout layout, Transfer[] atEnd, DevicePlacement placement) {
        this.graph = graph;
        this.placement = placement;
        this.atEnd = atEnd;
        this.names = new String[slots.size()];
        slots.forEach((n, i) -> names[i] = n);
        this.slots = slots;
        this.steps = steps;
        this.subplans = subplans;
        this.layout = layout;
        this.inputSlots = graph.inputs().stream().mapToInt(v -> slots.get(v.name())).toArray();
        this.outputSlots = graph.outputs().stream().mapToInt(v -> slots.get(v.name())).toArray();
        this.constants = new Value[slots.size()];
        graph.initializers().forEach((name, t) -> constants[slots.get(name)] = t);
    }

    Graph graph() { return graph; }

    List<PlanStep> steps() { return steps; }

    /** Which nodes the device would take run on the host instead, and why. */
    DevicePlacement placement() { return placement; }

    /**
     * Frees every kernel's native resources, sub-graphs' too ({@link Kernel#close}); only when no run can use the plan
     * any more. A kernel that fails to close does not keep the others from closing; the first failure is rethrown.
     */
    void close() {
        RuntimeException first = null;
        for (PlanStep s : steps) {
            try {
                s.kernel().close();
            } catch (RuntimeException e) {
                if (first == null) first = e;
            }
        }
        for (GraphPlan sub : subplans.values()) {
            try {
                sub.close();
            } catch (RuntimeException e) {
                if (first == null) first = e;
            }
        }
        if (first != null) throw first;
    }

    int slotCount() { return slots.size(); }

    Integer slotOf(String name) { return slots.get(name); }

    /** The value name of {@code slot}. */
    String nameOf(int slot) { return names[slot]; }

    /** Where the main graph's intermediates live; null for sub-graphs, whose values are allocated as they come. */
    MemoryLayout layout() { return layout; }

    /**
     * Plans {@code graph}. {@code outer} holds the names of enclosing scopes a sub-graph may read (empty for the main
     * graph); only the main graph gets a memory layout.
     */
    static GraphPlan compile(Graph graph, Set<String> outer, Backends backends, EngineOptions options) {
        return compile(graph, outer, backends, options, hasConcreteInputs(graph));
    }

    /** Whether every input a caller feeds is a tensor whose shape is fully known: a plan for concrete shapes. */
    static boolean hasConcreteInputs(Graph graph) {
        return graph.runtimeInputs().stream().allMatch(v -> io.jengine.tensor.ValueType.staticDims(v.type()) != null);
    }

    private static GraphPlan compile(Graph graph, Set<String> outer, Backends backends, EngineOptions options,
                                     boolean concrete) {
        List<Node> order = GraphOrder.sort(graph, outer);
        Map<String, Integer> slots = new HashMap<>();
        graph.inputs().forEach(v -> slots.putIfAbsent(v.name(), slots.size()));
        graph.initializers().keySet().forEach(n -> slots.putIfAbsent(n, slots.size()));
        for (Node n : order) {
            for (String in : GraphOrder.reads(n)) if (!in.isEmpty()) slots.putIfAbsent(in, slots.size());
            for (String out : n.outputs()) if (!out.isEmpty()) slots.putIfAbsent(out, slots.size());
        }
        graph.outputs().forEach(v -> slots.putIfAbsent(v.name(), slots.size()));

        Set<String> visible = new HashSet<>(outer);
        visible.addAll(slots.keySet());
        Map<Graph, GraphPlan> subplans = new IdentityHashMap<>();
        Map<String, Integer> lastUse = lastUses(order);
        Set<String> keep = new HashSet<>();
        graph.outputs().forEach(v -> keep.add(v.name()));

        List<Node> nodes = new ArrayList<>(order.size());
        List<Tactic> tactics = new ArrayList<>(order.size());
        List<Kernel> kernels = new ArrayList<>(order.size());
        // On the calling thread: preparing on the pool's threads took a quarter to a third off a fresh JVM's ResNet-50
        // plan load, but runs of the plan were slower in 5 of 8 interleaved rounds at 2 threads (medians 63.5 against
        // 59.0 ms), which a one-time gain does not buy.
        List<List<Tactic>> rankings = new ArrayList<>(order.size());
        for (Node node : order) rankings.add(choose(node, graph, backends, options, concrete));
        DevicePlacement placement = outer.isEmpty() ? place(graph, order, rankings, backends, options)
                : DevicePlacement.NONE;
        for (int at = 0; at < order.size(); at++) {
            Node node = order.get(at);
            for (Attribute a : node.attributes().values()) {
                for (Graph body : GraphOrder.bodies(a)) subplans.put(body, compile(body, visible, backends, options, concrete));
            }
            List<Tactic> ranked = placement.onHost(node) ? choose(node, graph, backends.host(), options, concrete)
                    : rankings.get(at);
            Kernel kernel = null;
            Tactic t = null;
            for (int i = 0; kernel == null; i++) {
                t = ranked.get(i);
                try {
                    // the tuner's kernel for its choice, where it timed one, else a new one
                    Kernel ready = i == 0 ? options.prepared().take(node, graph, t, options.effectiveThreads()) : null;
                    kernel = ready != null ? ready : prepare(node, t);
                } catch (TacticDeclinedException declined) {
                    if (i + 1 == ranked.size()) {
                        throw new GraphValidationException("node " + node.label() + " (" + t.key() + "): "
                                + declined.getMessage());
                    }
                }
            }
            nodes.add(node);
            tactics.add(t);
            kernels.add(kernel);
        }
        MemoryLayout layout = outer.isEmpty() ? MemoryLayout.plan(graph, nodes, kernels, slots, lastUse, keep) : null;

        List<PlanStep> steps = new ArrayList<>(order.size());
        List<List<Integer>> dropsAt = new ArrayList<>();
        for (int i = 0; i < order.size(); i++) dropsAt.add(new ArrayList<>());
        lastUse.forEach((name, idx) -> {
            if (!keep.contains(name) && slots.containsKey(name)) dropsAt.get(idx).add(slots.get(name));
        });
        Set<Integer> constantSlots = new HashSet<>();
        graph.initializers().keySet().forEach(n -> constantSlots.add(slots.get(n)));
        Residency residency = new Residency(slots, constantSlots);
        for (int i = 0; i < nodes.size(); i++) {
            Node node = nodes.get(i);
            int[] in = node.inputs().stream().mapToInt(n -> n.isEmpty() ? -1 : slots.get(n)).toArray();
            int[] out = node.outputs().stream().mapToInt(n -> n.isEmpty() ? -1 : slots.get(n)).toArray();
            boolean elided = layout != null && out.length > 0 && out[0] >= 0 && layout.isPreparedView(out[0]);
            Device device = deviceOf(tactics.get(i), backends);
            Transfer[] before = residency.step(node, kernels.get(i), device, out, elided);
            steps.add(new PlanStep(node, tactics.get(i), kernels.get(i), in, out,
                    dropsAt.get(i).stream().mapToInt(Integer::intValue).toArray(), elided, device, before));
        }
        Transfer[] atEnd = residency.toHost(graph.outputs().stream().map(ValueInfo::name).toList());
        return new GraphPlan(graph, Map.copyOf(slots), List.copyOf(steps), subplans, layout, atEnd, placement);
    }

    /**
     * The names of the nodes of {@code graph} (typed, static shapes) that a plan for the device would run on the host
     * although the device takes them ({@link DevicePlacement}): what the tuner leaves untuned on the device.
     */
    static Set<String> movedToHost(Graph graph, Backends backends, EngineOptions options) {
        List<Node> order = GraphOrder.sort(graph, Set.of());
        List<List<Tactic>> rankings = new ArrayList<>(order.size());
        for (Node node : order) rankings.add(choose(node, graph, backends, options, hasConcreteInputs(graph)));
        DevicePlacement p = place(graph, order, rankings, backends, options);
        Set<String> moved = new HashSet<>();
        for (Node n : order) if (p.onHost(n)) moved.add(n.name());
        return moved;
    }

    /**
     * Where the nodes of a plan for a device run ({@link DevicePlacement}): weighed only when the options carry the
     * host's speed and the device measures its link; a device whose backend shares layers with the host is timed
     * against it per layer instead.
     */
    private static DevicePlacement place(Graph graph, List<Node> order, List<List<Tactic>> rankings, Backends backends,
                                         EngineOptions options) {
        Device device = backends.device();
        if (device == null || options.host() == null || backends.ordered().getFirst().sharesLayersWithHost()) {
            return DevicePlacement.NONE;
        }
        String deviceBackend = backends.ordered().getFirst().name();
        boolean[] onDevice = new boolean[order.size()], pinned = new boolean[order.size()];
        for (int i = 0; i < order.size(); i++) {
            Node n = order.get(i);
            onDevice[i] = rankings.get(i).getFirst().backend().equals(deviceBackend);
            pinned[i] = options.tactics().containsKey(n.name()) || options.tactics().containsKey(n.opType());
        }
        boolean mixed = false;
        for (boolean d : onDevice) mixed |= !d;
        if (!mixed) return DevicePlacement.NONE; // the device runs it all: nothing to weigh, nothing measured
        io.jengine.spi.DeviceHardware hardware;
        try {
            hardware = device.hardware();
        } catch (RuntimeException e) {
            System.getLogger(GraphPlan.class.getName()).log(System.Logger.Level.WARNING, device.name()
                    + " could not measure its link (" + e.getMessage() + "): every node it takes runs there");
            return DevicePlacement.NONE;
        }
        return DevicePlacement.of(graph, order, onDevice, pinned, hardware, options.host());
    }

    private static Device deviceOf(Tactic t, Backends backends) {
        for (Backend b : backends.ordered()) if (b.name().equals(t.backend())) return b.device();
        return null;
    }

    /** The copies this plan makes between host and devices, in order (for {@code inspect}). */
    List<Transfer> transfers() {
        List<Transfer> l = new ArrayList<>();
        for (PlanStep s : steps) l.addAll(List.of(s.before()));
        l.addAll(List.of(atEnd));
        return l;
    }

    private static Map<String, Integer> lastUses(List<Node> order) {
        Map<String, Integer> last = new HashMap<>();
        for (int i = 0; i < order.size(); i++) {
            for (String in : GraphOrder.reads(order.get(i))) last.put(in, i);
        }
        return last;
    }

    /** The tactics to try for {@code node}, best first (never empty). */
    private static List<Tactic> choose(Node node, Graph graph, Backends backends, EngineOptions options,
                                       boolean concrete) {
        int opset = graph.opset(node.domain());
        if (opset < 0) {
            throw new GraphValidationException("node " + node.label() + " uses domain '"
                    + (node.domain().isEmpty() ? "ai.onnx" : node.domain())
                    + "', which the model does not import (opset_import lists " + graph.opsets().keySet() + ")");
        }
        NodeContext ctx = new NodeContext(node, opset, graph, options.effectiveThreads(), options.packed());
        List<Tactic> ranked;
        try {
            ranked = TacticChooser.ranked(ctx, backends, options, concrete);
        } catch (EngineException | UnsupportedDTypeException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new GraphValidationException("node " + node.label() + ": " + e.getMessage());
        }
        if (ranked.isEmpty()) throw new UnsupportedOperatorException(node, opset);
        return ranked;
    }

    private static Kernel prepare(Node node, Tactic t) {
        try {
            Kernel k = t.prepare().get();
            if (k == null) throw new IllegalStateException("tactic " + t.key() + " prepared no kernel");
            return k;
        } catch (EngineException | UnsupportedDTypeException | TacticDeclinedException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new GraphValidationException("node " + node.label() + " (" + t.key() + "): " + e.getMessage());
        }
    }

    /** A fresh frame for the main graph, its constants bound. */
    Frame newFrame(RunObserver observer, Tensor[] planned, int threads, SessionDevices devices) {
        Frame f = new Frame(this, null, observer, planned, threads, devices);
        bindConstants(f);
        return f;
    }

    /** Puts the initializers into {@code frame}, as at the start of every run. */
    void bindConstants(Frame frame) {
        System.arraycopy(constants, 0, frame.values, 0, constants.length);
    }

    void bindInput(Frame frame, int index, Value v) {
        int slot = inputSlots[index];
        frame.values[slot] = v;
        frame.bounds[slot] = Float.NaN;
        frame.unmeasured[slot] = true;
    }

    Value output(Frame frame, int index) { return frame.values[outputSlots[index]]; }

    int outputSlot(int index) { return outputSlots[index]; }

    /** Runs the plan in {@code frame}, whose inputs the caller has bound. */
    void execute(Frame frame) {
        StepContext ctx = new StepContext(frame, subplans);
        for (PlanStep step : steps) ctx.run(step);
        ctx.transfer(atEnd);
    }

    /** Runs this (sub-)graph with its formal inputs bound in order, reading outer names through {@code parent}. */
    List<Value> runNested(Frame parent, List<Value> inputs) {
        if (inputs.size() > graph.inputs().size()) {
            throw new IllegalArgumentException("sub-graph '" + graph.name() + "' takes " + graph.inputs().size()
                    + " inputs, got " + inputs.size());
        }
        Frame frame = new Frame(this, parent, parent.observer, null, parent.threads, parent.devices);
        bindConstants(frame);
        for (int i = 0; i < inputs.size(); i++) {
            if (inputs.get(i) != null) frame.values[inputSlots[i]] = inputs.get(i);
        }
        execute(frame);
        List<Value> out = new ArrayList<>(graph.outputs().size());
        for (ValueInfo o : graph.outputs()) {
            Value v = frame.lookup(o.name());
            if (v == null) {
                throw new EngineException("sub-graph '" + graph.name() + "' did not produce its output '" + o.name() + "'");
            }
            out.add(v);
        }
        return out;
    }
}
