package io.jengine.calib;

import io.jengine.ir.Node;
import io.jengine.runtime.RunObserver;
import io.jengine.tensor.DType;
import io.jengine.tensor.Tensor;
import io.jengine.tensor.Value;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * Watches calibration runs: every float32 tensor in {@code wanted} that a node produces (or that is fed as a graph
 * input) goes into its {@link TensorRange} on the first pass, and into its {@link TensorHistogram} on the second,
 * whose range the first pass fixed. Values are read during the observer call, before the session's arena reuses
 * their memory.
 */
final class RangeObserver implements RunObserver {
    private final Set<String> wanted;
    private final Map<String, TensorRange> ranges = new HashMap<>();
    private Map<String, TensorHistogram> histograms;

    RangeObserver(Set<String> wanted) { this.wanted = wanted; }

    /** Starts the second pass: histograms over [0, amax] of each tensor the first pass saw. */
    void startHistograms() {
        histograms = new HashMap<>();
        ranges.forEach((name, r) -> histograms.put(name, new TensorHistogram(r.amax())));
    }

    Map<String, TensorRange> ranges() { return ranges; }

    Map<String, TensorHistogram> histograms() { return histograms; }

    /** A graph input's value, fed rather than produced. */
    void fed(String name, Value v) { observe(name, v); }

    @Override
    public void nodeFinished(Node node, String tactic, long nanos) {}

    @Override
    public boolean wantsValues() { return true; }

    @Override
    public void valuesProduced(Node node, Value[] outputs) {
        for (int i = 0; i < outputs.length && i < node.outputs().size(); i++) observe(node.outputs().get(i), outputs[i]);
    }

    private void observe(String name, Value v) {
        if (!wanted.contains(name) || !(v instanceof Tensor t) || t.dtype() != DType.FLOAT32) return;
        if (histograms == null) {
            ranges.computeIfAbsent(name, x -> new TensorRange()).add(t.data(), t.size());
        } else {
            TensorHistogram h = histograms.get(name);
            if (h != null) h.add(t.data(), t.size());
        }
    }
}
