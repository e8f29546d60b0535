package io.jengine.tune;

import io.jengine.ir.Graph;
import io.jengine.ir.Node;
import io.jengine.runtime.PreparedKernels;
import io.jengine.spi.Kernel;
import io.jengine.spi.Tactic;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The kernels the tuner prepared and timed for the tactics it chose, kept for the plan so that it does not prepare
 * them a second time. A kernel is handed over only to the node it was tuned on — same name, same layer signature
 * (shapes, attributes, threads), same tactic — and at most once; whatever is not taken is freed by {@link #close}.
 */
public final class TunedKernels implements PreparedKernels, AutoCloseable {
    private record Kept(String signature, String tacticKey, Kernel kernel) {}

    private final Map<String, Kept> byLayer = new ConcurrentHashMap<>();

    /** Keeps {@code kernel}, prepared for {@code tacticKey} on the layer {@code node} of {@code graph}. */
    void keep(Node node, Graph graph, int threads, String tacticKey, Kernel kernel) {
        String signature = LayerSignature.of(node, graph, threads);
        Kept old = byLayer.put(node.name(), new Kept(signature, tacticKey, kernel));
        if (old != null) old.kernel().close();
    }

    @Override
    public Kernel take(Node node, Graph graph, Tactic tactic, int threads) {
        Kept k = byLayer.remove(node.name());
        if (k == null) return null;
        if (k.tacticKey().equals(tactic.key()) && k.signature().equals(LayerSignature.of(node, graph, threads))) {
            return k.kernel();
        }
        // Not the layer it was tuned for (the plan's graph changed it, or another tactic was forced): of no use.
        k.kernel().close();
        return null;
    }

    /** How many kernels are still kept. */
    public int size() { return byLayer.size(); }

    /** Frees the kernels no plan took. */
    @Override
    public void close() {
        for (String layer : byLayer.keySet()) {
            Kept k = byLayer.remove(layer);
            if (k != null) k.kernel().close();
        }
    }
}
