package io.jengine.cli.bench;

import io.jengine.ir.Node;
import io.jengine.runtime.RunObserver;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Per-layer times over a few profiled runs, averaged per run. Kept apart from the timed runs: an observer costs a
 * clock read and a map update per node, which would inflate the latencies of small models.
 */
public final class LayerProfile implements RunObserver {
    /** One layer: its time per run and its share of all layers' time; {@code tactic} is the key of the tactic that ran it. */
    public record Layer(String name, String op, String tactic, double ms, double share) {}

    private static final class Acc {
        final String name, op, tactic;
        long nanos;

        Acc(String name, String op, String tactic) {
            this.name = name;
            this.op = op;
            this.tactic = tactic;
        }
    }

    // By identity: nodes are records, and hashing their attributes on every call would cost more than the lookup.
    private final Map<Node, Acc> byNode = new IdentityHashMap<>();
    private final List<Acc> order = new ArrayList<>();
    private int runs;

    @Override
    public void nodeFinished(Node node, String tactic, long nanos) {
        Acc a = byNode.get(node);
        if (a == null) {
            String op = node.domain().isEmpty() ? node.opType() : node.domain() + "." + node.opType();
            a = new Acc(node.name().isEmpty() ? node.opType() + "_" + order.size() : node.name(), op, tactic);
            byNode.put(node, a);
            order.add(a);
        }
        a.nanos += nanos;
    }

    /** Marks the end of one profiled run: times are reported per run. */
    public void endRun() { runs++; }

    public int runs() { return runs; }

    /** Every layer in first-execution order. */
    public List<Layer> layers() {
        long total = 0;
        for (Acc a : order) total += a.nanos;
        List<Layer> out = new ArrayList<>(order.size());
        int perRun = Math.max(1, runs);
        for (Acc a : order) {
            out.add(new Layer(a.name, a.op, a.tactic, a.nanos / 1e6 / perRun, total > 0 ? (double) a.nanos / total : 0));
        }
        return out;
    }
}
