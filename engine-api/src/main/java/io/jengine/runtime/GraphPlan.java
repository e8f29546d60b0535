package io.jengine.runtime;

import io.jengine.tensor.Value;
import io.jengine.errors.EngineException;
import io.jengine.errors.GraphValidationException;
import io.jengine.errors.KernelException;
import io.jengine.ir.Attribute;
import io.jengine.ir.Graph;
import io.jengine.ir.GraphOrder;
import io.jengine.ir.Node;
import io.jengine.spi.Backend;
import io.jengine.spi.ExecutionContext;
import io.jengine.spi.Kernel;
import io.jengine.spi.NodeContext;
import io.jengine.tensor.UnsupportedDTypeException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A graph made ready to run: nodes in a valid execution order, each claimed by a backend with its kernel prepared,
 * sub-graphs (If/Loop/Scan bodies) planned recursively. Immutable and shared by every thread running the engine;
 * each run keeps its values in its own {@link Frame}.
 */
final class GraphPlan {
    private final Graph graph;
    private final List<PlannedNode> steps;
    private final Map<Graph, GraphPlan> subplans;

    private GraphPlan(Graph graph, List<PlannedNode> steps, Map<Graph, GraphPlan> subplans) {
        this.graph = graph;
        this.steps = steps;
        this.subplans = subplans;
    }

    Graph graph() { return graph; }

    List<PlannedNode> steps() { return steps; }

    /**
     * Plans {@code graph}. {@code outer} holds the names of enclosing scopes a sub-graph may read (empty for the main
     * graph); {@code opsets} the model's opset imports, which sub-graphs inherit.
     */
    static GraphPlan compile(Graph graph, Set<String> outer, Backends backends) {
        List<Node> order = GraphOrder.sort(graph, outer);
        Set<String> visible = new HashSet<>(outer);
        graph.inputs().forEach(v -> visible.add(v.name()));
        visible.addAll(graph.initializers().keySet());
        for (Node n : order) visible.addAll(n.outputs());

        Map<Graph, GraphPlan> subplans = new IdentityHashMap<>();
        List<PlannedNode> steps = new ArrayList<>(order.size());
        Map<String, Integer> lastUse = lastUses(order);
        List<List<String>> dropsAt = new ArrayList<>();
        for (int i = 0; i < order.size(); i++) dropsAt.add(new ArrayList<>());
        Set<String> keep = new HashSet<>();
        graph.outputs().forEach(v -> keep.add(v.name()));
        lastUse.forEach((name, idx) -> {
            if (!keep.contains(name)) dropsAt.get(idx).add(name);
        });

        for (int i = 0; i < order.size(); i++) {
            Node node = order.get(i);
            for (Attribute a : node.attributes().values()) {
                for (Graph body : GraphOrder.bodies(a)) subplans.put(body, compile(body, visible, backends));
            }
            steps.add(prepare(node, graph, backends, dropsAt.get(i).toArray(String[]::new)));
        }
        return new GraphPlan(graph, List.copyOf(steps), subplans);
    }

    private static Map<String, Integer> lastUses(List<Node> order) {
        Map<String, Integer> last = new HashMap<>();
        for (int i = 0; i < order.size(); i++) {
            for (String in : GraphOrder.reads(order.get(i))) last.put(in, i);
        }
        return last;
    }

    private static PlannedNode prepare(Node node, Graph graph, Backends backends, String[] drops) {
        int opset = graph.opset(node.domain());
        if (opset < 0) {
            throw new GraphValidationException("node " + node.label() + " uses domain '"
                    + (node.domain().isEmpty() ? "ai.onnx" : node.domain())
                    + "', which the model does not import (opset_import lists " + graph.opsets().keySet() + ")");
        }
        NodeContext ctx = new NodeContext(node, opset, graph);
        for (Backend b : backends.ordered()) {
            if (!b.supports(ctx)) continue;
            try {
                return new PlannedNode(node, b.name(), b.prepare(ctx), drops);
            } catch (EngineException | UnsupportedDTypeException e) {
                throw e;
            } catch (RuntimeException e) {
                throw new GraphValidationException("node " + node.label() + ": " + e.getMessage());
            }
        }
        throw new UnsupportedOperatorException(node, opset);
    }

    /** Runs the plan in {@code frame}, whose inputs the caller has bound. */
    void execute(Frame frame) {
        for (PlannedNode step : steps) {
            Node node = step.node();
            Value[] in = new Value[node.inputs().size()];
            for (int i = 0; i < in.length; i++) {
                String name = node.inputs().get(i);
                if (name.isEmpty()) continue;
                in[i] = frame.lookup(name);
                if (in[i] == null) {
                    throw new EngineException("node " + node.label() + ": input '" + name + "' has no value "
                            + "(an optional graph input that was not fed?)");
                }
            }
            RunObserver observer = frame.observer();
            long t0 = observer == null ? 0 : System.nanoTime();
            Value[] out = invoke(step, in, frame);
            if (observer != null) observer.nodeFinished(node, step.backend(), System.nanoTime() - t0);
            for (int i = 0; i < node.outputs().size(); i++) {
                String name = node.outputs().get(i);
                if (name.isEmpty()) continue;
                if (i >= out.length || out[i] == null) {
                    throw new KernelException("node " + node.label() + " produced no value for output '" + name
                            + "'", null);
                }
                frame.put(name, out[i]);
            }
            for (String d : step.lastUses()) frame.drop(d);
        }
    }

    private Value[] invoke(PlannedNode step, Value[] in, Frame frame) {
        Node node = step.node();
        ExecutionContext ctx = new ExecutionContext() {
            @Override
            public Node node() { return node; }

            @Override
            public List<Value> runSubgraph(Graph body, List<Value> inputs) {
                GraphPlan plan = subplans.get(body);
                if (plan == null) {
                    throw new IllegalArgumentException("graph '" + body.name() + "' is not a sub-graph of " + node.label());
                }
                return plan.runNested(frame, inputs);
            }
        };
        try {
            Value[] out = step.kernel().run(ctx, in);
            if (out == null) throw new IllegalStateException("kernel returned no outputs");
            return out;
        } catch (EngineException | UnsupportedDTypeException e) {
            throw e;
        } catch (StackOverflowError e) {
            throw new KernelException("node " + node.label() + ": stack overflow", e);
        } catch (RuntimeException e) {
            String msg = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            throw new KernelException("node " + node.label() + ": " + msg, e);
        }
    }

    /** Runs this (sub-)graph with its formal inputs bound in order, reading outer names through {@code parent}. */
    List<Value> runNested(Frame parent, List<Value> inputs) {
        if (inputs.size() > graph.inputs().size()) {
            throw new IllegalArgumentException("sub-graph '" + graph.name() + "' takes " + graph.inputs().size()
                    + " inputs, got " + inputs.size());
        }
        Frame frame = new Frame(parent);
        graph.initializers().forEach(frame::put);
        for (int i = 0; i < inputs.size(); i++) {
            if (inputs.get(i) != null) frame.put(graph.inputs().get(i).name(), inputs.get(i));
        }
        execute(frame);
        List<Value> out = new ArrayList<>(graph.outputs().size());
        for (var o : graph.outputs()) {
            Value v = frame.lookup(o.name());
            if (v == null) {
                throw new EngineException("sub-graph '" + graph.name() + "' did not produce its output '" + o.name() + "'");
            }
            out.add(v);
        }
        return out;
    }
}
