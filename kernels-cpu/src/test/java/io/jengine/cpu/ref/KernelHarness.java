package io.jengine.cpu.ref;

import io.jengine.ir.Graph;
import io.jengine.ir.Node;
import io.jengine.tensor.Value;
import io.jengine.spi.ExecutionContext;
import io.jengine.spi.ValueKernel;
import io.jengine.spi.KernelRegistry;
import io.jengine.spi.NodeContext;
import java.util.List;

/** Runs one reference kernel on given values, outside any graph: the unit-test entry point for kernels. */
final class KernelHarness {
    private KernelHarness() {}

    static Value[] run(Node node, int opset, Value... inputs) {
        KernelRegistry.Entry e = ReferenceKernels.registry().find(node.domain(), node.opType(), opset);
        if (e == null) throw new AssertionError("no reference kernel for " + node.opType() + " at opset " + opset);
        Graph g = Graph.builder("harness").opset(node.domain(), opset).addNode(node).build();
        ValueKernel k = e.factory().create(new NodeContext(node, opset, g));
        ExecutionContext ctx = new ExecutionContext() {
            @Override
            public Node node() { return node; }

            @Override
            public List<Value> runSubgraph(Graph body, List<Value> in) {
                throw new UnsupportedOperationException("sub-graphs need the runtime");
            }
        };
        return k.run(ctx, inputs);
    }
}
