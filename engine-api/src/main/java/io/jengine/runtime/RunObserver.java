package io.jengine.runtime;

import io.jengine.ir.Node;

/**
 * Told about every node a run executes, with its backend and wall time; used for per-layer profiles. Called on the
 * running thread, so an implementation shared across threads must be thread-safe. Nodes inside sub-graphs (If, Loop,
 * Scan bodies) are reported too, once per execution.
 */
@FunctionalInterface
public interface RunObserver {
    void nodeFinished(Node node, String backend, long nanos);
}
