package io.jengine.runtime;

import io.jengine.ir.Graph;
import io.jengine.ir.Node;
import io.jengine.spi.Kernel;
import io.jengine.spi.NodeContext;
import io.jengine.spi.Tactic;
import io.jengine.tensor.Value;

/**
 * Runs one node outside any plan, on values given: constant folding in the optimizer, and tests of a single kernel.
 * Outputs are fresh tensors; sub-graphs cannot be run this way.
 */
public final class NodeExecutor {
    private NodeExecutor() {}

    /** The node's outputs computed by the tactic {@link TacticChooser} picks, or null when no backend can run it. */
    public static Value[] run(Node node, Graph graph, Backends backends, Value... inputs) {
        NodeContext ctx = new NodeContext(node, graph.opset(node.domain()), graph, 1);
        Tactic t = TacticChooser.choose(ctx, backends, EngineOptions.defaults(), true);
        return t == null ? null : run(node, t.prepare().get(), inputs);
    }

    /** Runs a prepared kernel for {@code node} on {@code inputs}, one thread; outputs are fresh tensors. */
    public static Value[] run(Node node, Kernel kernel, Value... inputs) {
        KernelTrial trial = new KernelTrial(node, java.util.Arrays.copyOf(inputs, node.inputs().size()), 1);
        trial.run(kernel);
        return trial.outputs();
    }
}
