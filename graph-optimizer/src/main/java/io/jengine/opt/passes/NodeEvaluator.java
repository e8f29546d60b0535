package io.jengine.opt.passes;

import io.jengine.ir.Graph;
import io.jengine.ir.Node;
import io.jengine.runtime.Backends;
import io.jengine.runtime.NodeExecutor;
import io.jengine.tensor.Value;

/** Runs one node on constant inputs, for constant folding: with the build's backends, else the class path's. */
final class NodeEvaluator {
    private static volatile Backends backends;

    private NodeEvaluator() {}

    /** {@code given}'s host backends, or the class path's (found once) where it is null. */
    static Backends backends(Backends given) {
        if (given != null) return given.host();
        Backends b = backends;
        if (b == null) backends = b = Backends.discover();
        return b;
    }

    /** The node's outputs, or null when no backend can run it. */
    static Value[] evaluate(Node node, Graph graph, Value[] inputs, Backends given) {
        return NodeExecutor.run(node, graph, backends(given), inputs);
    }
}
