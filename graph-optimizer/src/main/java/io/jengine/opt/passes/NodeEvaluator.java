package io.jengine.opt.passes;

import io.jengine.ir.Graph;
import io.jengine.ir.Node;
import io.jengine.runtime.Backends;
import io.jengine.runtime.NodeExecutor;
import io.jengine.tensor.Value;

/** Runs one node on constant inputs with the backends on the class path, for constant folding. */
final class NodeEvaluator {
    private static volatile Backends backends;

    private NodeEvaluator() {}

    private static Backends backends() {
        Backends b = backends;
        if (b == null) backends = b = Backends.discover();
        return b;
    }

    /** The node's outputs, or null when no backend can run it. */
    static Value[] evaluate(Node node, Graph graph, Value[] inputs) {
        return NodeExecutor.run(node, graph, backends(), inputs);
    }
}
