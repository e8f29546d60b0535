package io.jengine.runtime;

import io.jengine.ir.Graph;
import io.jengine.ir.Node;
import io.jengine.spi.Kernel;
import io.jengine.spi.Tactic;

/**
 * Kernels prepared before planning — the tuner's timed winners — that a plan takes instead of preparing the same
 * kernels again (weight reorders, oneDNN's code generation: most of a plan's build time).
 */
public interface PreparedKernels {
    /** None: every kernel is prepared by the plan. */
    PreparedKernels NONE = (node, graph, tactic, threads) -> null;

    /**
     * A kernel prepared for exactly this node (same name, shapes and attributes in {@code graph}), tactic and thread
     * count, handed over: the plan owns it from then on. Null when there is none, or it was taken already.
     */
    Kernel take(Node node, Graph graph, Tactic tactic, int threads);
}
