package io.jengine.opt;

import io.jengine.ir.Attribute;
import io.jengine.ir.Graph;
import io.jengine.ir.GraphOrder;
import io.jengine.ir.Node;
import io.jengine.ir.ValueInfo;
import io.jengine.tensor.ValueType;
import io.jengine.tensor.Tensor;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A read-only index over one version of a graph, rebuilt after every rewrite: which node produces a value, which
 * nodes read it, which values are constants (initializers and Constant nodes) and what static type each value has.
 * Passes match and build patches against it; they never change the graph themselves.
 */
public final class GraphIndex {
    private final Graph graph;
    private final Map<String, Node> producer = new HashMap<>();
    private final Map<String, List<Node>> consumers = new HashMap<>();
    private final Map<Node, Integer> position = new IdentityHashMap<>();
    private final Set<String> graphOutputs = new HashSet<>();

    public GraphIndex(Graph graph) {
        this.graph = graph;
        List<Node> nodes = graph.nodes();
        for (int i = 0; i < nodes.size(); i++) {
            Node n = nodes.get(i);
            position.put(n, i);
            for (String o : n.outputs()) if (!o.isEmpty()) producer.put(o, n);
            for (String in : GraphOrder.reads(n)) consumers.computeIfAbsent(in, k -> new ArrayList<>()).add(n);
        }
        for (ValueInfo o : graph.outputs()) graphOutputs.add(o.name());
    }

    public Graph graph() { return graph; }

    /** The node that produces {@code value}, or null for graph inputs, initializers and outer-scope names. */
    public Node producer(String value) { return producer.get(value); }

    /** The nodes reading {@code value}, including through sub-graphs; empty when none. */
    public List<Node> consumers(String value) { return consumers.getOrDefault(value, List.of()); }

    public boolean isGraphOutput(String value) { return graphOutputs.contains(value); }

    /** Whether {@code value} is read by exactly one node and is not a graph output: it may be fused away. */
    public boolean hasSingleUse(String value) {
        return !isGraphOutput(value) && consumers(value).size() == 1;
    }

    /** The value of a constant: an initializer that no caller can override, or a Constant node's tensor. */
    public Tensor constant(String value) {
        if (value.isEmpty()) return null;
        Tensor init = graph.initializers().get(value);
        if (init != null) {
            for (ValueInfo in : graph.inputs()) if (in.name().equals(value)) return null; // overridable default
            return init;
        }
        Node p = producer.get(value);
        if (p != null && p.opType().equals("Constant") && p.domain().isEmpty()) {
            Attribute a = p.attr("value");
            if (a != null && a.kind() == Attribute.Kind.TENSOR) return a.asTensor();
        }
        return null;
    }

    public ValueType type(String value) { return graph.typeOf(value); }

    /** The node's position in the graph's node list (its label for unnamed nodes). */
    public int position(Node n) { return position.getOrDefault(n, -1); }

    /** The name a layer is shown under: the node's name, or OP_index for an unnamed node. */
    public String displayName(Node n) {
        return n.name().isEmpty() ? n.opType() + "_" + position(n) : n.name();
    }
}
