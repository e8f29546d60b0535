package io.jengine.opt;

import io.jengine.ir.Graph;
import io.jengine.ir.GraphOrder;
import io.jengine.ir.Node;
import io.jengine.ir.ValueInfo;
import io.jengine.tensor.Tensor;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A rewrite a pass proposes: nodes to remove, nodes to insert where the first removed node stood, value names to
 * replace, initializers to add. {@link #applyTo} builds the new graph; the old one is untouched. Initializers no
 * longer read by anything are dropped.
 */
public final class Patch {
    private final Set<Node> removed = Collections.newSetFromMap(new IdentityHashMap<>());
    private final List<Node> added = new ArrayList<>();
    private final Map<String, String> renames = new LinkedHashMap<>();
    private final Map<String, Tensor> initializers = new LinkedHashMap<>();
    private final Map<String, Integer> opsets = new LinkedHashMap<>();

    public Patch remove(Node n) { removed.add(n); return this; }

    public Patch add(Node n) { added.add(n); return this; }

    /**
     * Replaces the value name {@code from} by {@code to} everywhere: in node inputs, in node outputs (so the producer
     * of {@code from} now writes {@code to}) and in graph outputs. Used to bypass a removed no-op: readers of its
     * output read its input instead, or, when its output is a graph output, its input's producer writes that output.
     */
    public Patch rename(String from, String to) { renames.put(from, to); return this; }

    public Patch initializer(String name, Tensor t) { initializers.put(name, t); return this; }

    /** Makes sure the graph imports {@code domain} (for nodes of the engine's own fused ops). */
    public Patch opset(String domain, int version) { opsets.put(domain, version); return this; }

    public Set<Node> removed() { return Collections.unmodifiableSet(removed); }

    public List<Node> added() { return Collections.unmodifiableList(added); }

    public Graph applyTo(Graph g) {
        List<Node> nodes = new ArrayList<>();
        boolean inserted = false;
        for (Node n : g.nodes()) {
            if (removed.contains(n)) {
                if (!inserted) {
                    for (Node a : added) nodes.add(renamed(a));
                    inserted = true;
                }
                continue;
            }
            nodes.add(renamed(n));
        }
        if (!inserted) for (Node a : added) nodes.add(renamed(a));
        Graph.Builder ub = g.toBuilder().nodes(nodes);
        initializers.forEach(ub::initializer);
        opsets.forEach((d, v) -> { if (g.opset(d) < 0) ub.opset(d, v); });
        Graph unordered = ub.build();
        // Inserted nodes may read values produced after the removed node's position: restore a valid order.
        Graph.Builder b = unordered.toBuilder().nodes(GraphOrder.sort(unordered, Set.of()));
        List<ValueInfo> outs = new ArrayList<>();
        for (ValueInfo o : g.outputs()) outs.add(new ValueInfo(resolve(o.name()), o.type()));
        b.outputs(outs);
        return dropUnusedInitializers(b.build());
    }

    private Node renamed(Node n) {
        if (renames.isEmpty()) return n;
        for (var a : n.attributes().values()) {
            for (Graph body : GraphOrder.bodies(a)) {
                for (String free : GraphOrder.freeNames(body)) {
                    if (renames.containsKey(free)) {
                        throw new IllegalStateException("cannot rename '" + free + "': sub-graph of " + n.label() + " reads it");
                    }
                }
            }
        }
        List<String> ins = n.inputs().stream().map(this::resolve).toList();
        List<String> outs = n.outputs().stream().map(this::resolve).toList();
        if (ins.equals(n.inputs()) && outs.equals(n.outputs())) return n;
        return n.toBuilder().inputs(ins).outputs(outs).build();
    }

    private String resolve(String name) {
        String cur = name;
        for (int guard = 0; guard < 64 && !cur.isEmpty() && renames.containsKey(cur); guard++) cur = renames.get(cur);
        return cur;
    }

    private static Graph dropUnusedInitializers(Graph g) {
        Set<String> used = new HashSet<>();
        for (Node n : g.nodes()) used.addAll(GraphOrder.reads(n));
        for (ValueInfo o : g.outputs()) used.add(o.name());
        for (ValueInfo i : g.inputs()) used.add(i.name());
        Graph.Builder b = g.toBuilder();
        boolean any = false;
        for (String name : g.initializers().keySet()) {
            if (!used.contains(name)) {
                b.removeInitializer(name);
                any = true;
            }
        }
        return any ? b.build() : g;
    }
}
