package io.jengine.spi;

import io.jengine.ir.Graph;
import io.jengine.ir.Node;
import io.jengine.tensor.Value;
import java.util.List;

/** The running side of a kernel call: the node being run and the means to run its sub-graphs. */
public interface ExecutionContext {
    Node node();

    /**
     * Runs a sub-graph (an If branch, a Loop or Scan body) of the current node. {@code inputs} bind the sub-graph's
     * formal inputs in order; names the sub-graph reads from enclosing scopes resolve to the values visible at this
     * node. Returns the sub-graph's outputs in order.
     */
    List<Value> runSubgraph(Graph body, List<Value> inputs);
}
