package io.jengine.opt.passes;

import io.jengine.ir.Graph;
import io.jengine.ir.Node;
import io.jengine.runtime.Backends;
import io.jengine.tensor.Value;
import io.jengine.spi.Backend;
import io.jengine.spi.ExecutionContext;
import io.jengine.spi.NodeContext;
import java.util.List;

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
        NodeContext ctx = new NodeContext(node, graph.opset(node.domain()), graph);
        for (Backend b : backends().ordered()) {
            if (!b.supports(ctx)) continue;
            ExecutionContext exec = new ExecutionContext() {
                @Override
                public Node node() { return node; }

                @Override
                public List<Value> runSubgraph(Graph body, List<Value> in) {
                    throw new UnsupportedOperationException("constant folding does not run sub-graphs");
                }
            };
            return b.prepare(ctx).run(exec, inputs);
        }
        return null;
    }
}
