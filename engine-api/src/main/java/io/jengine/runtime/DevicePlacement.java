package io.jengine.runtime;

import io.jengine.ir.Graph;
import io.jengine.ir.GraphOrder;
import io.jengine.ir.LayerCost;
import io.jengine.ir.Node;
import io.jengine.ir.ValueInfo;
import io.jengine.spi.DeviceHardware;
import io.jengine.tensor.ValueType;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which parts of a graph a device runs, counting what their copies cost. The device's backend takes every node it
 * can; the nodes it takes form islands (nodes joined by values one produces and another reads, both on the device),
 * and each island pays a copy for every value that crosses its edge: one the host made or the caller gave, one the
 * host or the caller reads. An island goes back to the host when those copies alone, at the device link's measured
 * speed, take longer than the host is estimated to need for the island's whole work ({@link HostSpeed}): however
 * fast the device computes, it cannot make up for them. A graph the device runs whole stays there (the caller asked
 * for the device), and an island a forced tactic holds on the device stays with it.
 */
final class DevicePlacement {
    /** Why an island runs on the host, by node; empty when every node the device takes runs there. */
    private final Map<Node, String> movedToHost;

    private DevicePlacement(Map<Node, String> moved) { this.movedToHost = moved; }

    static final DevicePlacement NONE = new DevicePlacement(Map.of());

    /** Why {@code n} runs on the host although the device takes it; null when it does not. */
    String hostReason(Node n) { return movedToHost.get(n); }

    boolean onHost(Node n) { return movedToHost.containsKey(n); }

    /**
     * The placement of {@code order}'s nodes: {@code onDevice[i]} says the device's backend takes node i,
     * {@code pinned[i]} that it must stay where its (forced) tactic is.
     */
    static DevicePlacement of(Graph graph, List<Node> order, boolean[] onDevice, boolean[] pinned,
                              DeviceHardware link, HostSpeed host) {
        int n = order.size();
        boolean any = false, all = true;
        for (boolean d : onDevice) {
            any |= d;
            all &= d;
        }
        if (!any || all || link == null || host == null) return NONE;
        // islands: union the device nodes joined by a value
        int[] parent = new int[n];
        for (int i = 0; i < n; i++) parent[i] = i;
        Map<String, Integer> producer = new HashMap<>();
        for (int i = 0; i < n; i++) for (String out : order.get(i).outputs()) if (!out.isEmpty()) producer.put(out, i);
        for (int i = 0; i < n; i++) {
            if (!onDevice[i]) continue;
            for (String in : GraphOrder.reads(order.get(i))) {
                Integer p = producer.get(in);
                if (p != null && onDevice[p]) parent[find(parent, i)] = find(parent, p);
            }
        }
        Map<Integer, List<Integer>> islands = new HashMap<>();
        for (int i = 0; i < n; i++) if (onDevice[i]) islands.computeIfAbsent(find(parent, i), k -> new ArrayList<>()).add(i);
        Set<String> graphOutputs = new java.util.HashSet<>();
        for (ValueInfo v : graph.outputs()) graphOutputs.add(v.name());
        Map<String, List<Integer>> readers = new HashMap<>();
        for (int i = 0; i < n; i++) for (String in : GraphOrder.reads(order.get(i))) readers.computeIfAbsent(in, k -> new ArrayList<>()).add(i);

        Map<Node, String> moved = new IdentityHashMap<>();
        for (List<Integer> island : islands.values()) {
            Set<Integer> members = new java.util.HashSet<>(island);
            if (island.stream().anyMatch(i -> pinned[i])) continue;
            Set<String> crossing = new LinkedHashSet<>();
            double hostSeconds = 0;
            for (int i : island) {
                Node node = order.get(i);
                hostSeconds += host.seconds(LayerCost.of(node, graph));
                for (String in : GraphOrder.reads(node)) {
                    Integer p = producer.get(in);
                    if (graph.initializers().containsKey(in)) continue; // copied once, for every run
                    if (p == null || !members.contains(p)) crossing.add(in);
                }
                for (String out : node.outputs()) {
                    if (out.isEmpty()) continue;
                    boolean leaves = graphOutputs.contains(out)
                            || readers.getOrDefault(out, List.of()).stream().anyMatch(r -> !members.contains(r));
                    if (leaves) crossing.add(out);
                }
            }
            if (Double.isNaN(hostSeconds)) continue; // a layer of unknown size: not weighed
            double copySeconds = 0;
            long bytes = 0;
            boolean known = true;
            for (String v : crossing) {
                ValueType t = graph.typeOf(v);
                long b = t == null ? -1 : ValueType.staticBytes(t);
                if (b < 0 || (b == 0 && ValueType.staticDims(t) == null)) {
                    known = false;
                    break;
                }
                bytes += b;
                copySeconds += link.copySeconds(b);
            }
            if (!known || copySeconds <= hostSeconds) continue;
            String why = String.format("%d copies, %d bytes in all, take %.1f us on the link, the host's estimate for %d "
                    + "node%s is %.1f us", crossing.size(), bytes, copySeconds * 1e6, island.size(),
                    island.size() == 1 ? "" : "s", hostSeconds * 1e6);
            for (int i : island) moved.put(order.get(i), why);
        }
        return moved.isEmpty() ? NONE : new DevicePlacement(moved);
    }

    private static int find(int[] parent, int i) {
        while (parent[i] != i) {
            parent[i] = parent[parent[i]];
            i = parent[i];
        }
        return i;
    }
}
