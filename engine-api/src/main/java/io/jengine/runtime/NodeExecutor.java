package io.jengine.runtime;

import io.jengine.ir.Graph;
import io.jengine.ir.Node;
import io.jengine.spi.Kernel;
import io.jengine.spi.KernelContext;
import io.jengine.spi.NodeContext;
import io.jengine.spi.Tactic;
import io.jengine.tensor.DType;
import io.jengine.tensor.Tensor;
import io.jengine.tensor.Value;
import java.util.List;

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

    /** Runs a prepared kernel for {@code node} on {@code inputs}, one thread. */
    public static Value[] run(Node node, Kernel kernel, Value... inputs) {
        Value[] out = new Value[node.outputs().size()];
        kernel.run(new KernelContext() {
            @Override
            public Node node() { return node; }

            @Override
            public List<Value> runSubgraph(Graph body, List<Value> in) {
                throw new UnsupportedOperationException("a single node run cannot run sub-graphs");
            }

            @Override
            public int inputCount() { return inputs.length; }

            @Override
            public int outputCount() { return out.length; }

            @Override
            public Value input(int i) { return i < inputs.length ? inputs[i] : null; }

            @Override
            public Tensor output(int i, DType dtype, long... shape) {
                Tensor t = Tensor.allocate(dtype, shape);
                out[i] = t;
                return t;
            }

            @Override
            public void setOutput(int i, Value value) { out[i] = value; }

            @Override
            public int threads() { return 1; }
        });
        return out;
    }
}
