package io.jengine.runtime;

import io.jengine.ir.Node;
import io.jengine.tensor.Value;

/**
 * Watches a run: told about every node executed, with the key of the tactic that ran it and its wall time (per-layer
 * profiles), and, when {@link #wantsValues()} says so, shown the node's outputs right after it ran — before the
 * session's arena reuses their memory, so an observer that keeps a value must copy it (INT8 calibration, debugging).
 * Called on the running thread; nodes inside sub-graphs (If, Loop, Scan bodies) are reported too, once per execution.
 */
@FunctionalInterface
public interface RunObserver {
    void nodeFinished(Node node, String tactic, long nanos);

    /** Whether {@link #valuesProduced} should be called; asking costs nothing when the answer is no. */
    default boolean wantsValues() { return false; }

    /** The node's outputs (null for unnamed ones), valid only during this call. */
    default void valuesProduced(Node node, Value[] outputs) {}
}
