package io.jengine.ir;

import io.jengine.errors.GraphValidationException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;

/**
 * Execution order and name resolution. ONNX asks for nodes in topological order but exporters do not always comply,
 * and a node with a sub-graph also depends on the outer values its body reads; both are handled by a stable Kahn sort
 * over explicit and implicit inputs. Every name read must be defined exactly once.
 */
public final class GraphOrder {
    private GraphOrder() {}

    /** Every value name a node reads: its inputs and the free names of its sub-graphs. */
    public static Set<String> reads(Node n) {
        Set<String> r = new LinkedHashSet<>();
        for (String in : n.inputs()) if (!in.isEmpty()) r.add(in);
        for (Attribute a : n.attributes().values()) {
            for (Graph body : bodies(a)) r.addAll(freeNames(body));
        }
        return r;
    }

    /** Names a graph reads that it does not define itself (they must come from enclosing scopes). */
    public static Set<String> freeNames(Graph g) {
        Set<String> defined = new HashSet<>(g.initializers().keySet());
        for (ValueInfo v : g.inputs()) defined.add(v.name());
        for (Node n : g.nodes()) defined.addAll(n.outputs());
        Set<String> free = new LinkedHashSet<>();
        for (Node n : g.nodes()) {
            for (String r : reads(n)) if (!defined.contains(r)) free.add(r);
        }
        for (ValueInfo o : g.outputs()) if (!defined.contains(o.name())) free.add(o.name());
        return free;
    }

    /** The nodes of {@code g} in an order where every value is produced before it is read. */
    public static List<Node> sort(Graph g, Set<String> outer) {
        Set<String> available = new HashSet<>(outer);
        for (ValueInfo v : g.inputs()) available.add(v.name());
        available.addAll(g.initializers().keySet());

        Map<String, Integer> producer = new HashMap<>();
        List<Node> nodes = g.nodes();
        for (int i = 0; i < nodes.size(); i++) {
            for (String out : nodes.get(i).outputs()) {
                if (out.isEmpty()) continue;
                Integer prev = producer.put(out, i);
                if (prev != null) {
                    throw new GraphValidationException("value '" + out + "' is produced by both node "
                            + nodes.get(prev).label() + " and node " + nodes.get(i).label() + graphLabel(g));
                }
            }
        }
        int[] pending = new int[nodes.size()];
        Map<Integer, List<Integer>> consumers = new HashMap<>();
        for (int i = 0; i < nodes.size(); i++) {
            for (String r : reads(nodes.get(i))) {
                Integer p = producer.get(r);
                if (p != null) {
                    pending[i]++;
                    consumers.computeIfAbsent(p, k -> new ArrayList<>()).add(i);
                } else if (!available.contains(r)) {
                    throw new GraphValidationException("node " + nodes.get(i).label() + " reads '" + r
                            + "', which no node, graph input or initializer defines" + graphLabel(g));
                }
            }
        }
        // Pick the lowest original index first so that an already sorted graph keeps its order.
        PriorityQueue<Integer> queue = new PriorityQueue<>();
        for (int i = 0; i < nodes.size(); i++) if (pending[i] == 0) queue.add(i);
        List<Node> order = new ArrayList<>(nodes.size());
        while (!queue.isEmpty()) {
            int i = queue.poll();
            order.add(nodes.get(i));
            for (int c : consumers.getOrDefault(i, List.of())) {
                if (--pending[c] == 0) queue.add(c);
            }
        }
        if (order.size() != nodes.size()) {
            for (int i = 0; i < nodes.size(); i++) {
                if (pending[i] > 0) {
                    throw new GraphValidationException("the graph has a cycle through node " + nodes.get(i).label()
                            + graphLabel(g));
                }
            }
        }
        for (ValueInfo o : g.outputs()) {
            if (!producer.containsKey(o.name()) && !available.contains(o.name())) {
                throw new GraphValidationException("graph output '" + o.name() + "' is not produced by any node"
                        + graphLabel(g));
            }
        }
        return order;
    }

    /** The sub-graphs an attribute holds (If branches, Loop and Scan bodies). */
    public static List<Graph> bodies(Attribute a) {
        return switch (a.kind()) {
            case GRAPH -> List.of(a.asGraph());
            case GRAPHS -> a.asGraphs();
            default -> List.of();
        };
    }

    private static String graphLabel(Graph g) {
        return g.name() == null || g.name().isEmpty() ? "" : " (graph '" + g.name() + "')";
    }
}
