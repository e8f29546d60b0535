package io.jengine.spi;

import io.jengine.ir.Graph;
import io.jengine.ir.Node;
import io.jengine.tensor.ValueType;

/**
 * What a {@link KernelFactory} may know about the node it prepares: the node itself, the opset version of the node's
 * domain in force, and the static types of its inputs where the graph records them.
 */
public record NodeContext(Node node, int opsetVersion, Graph graph) {
    /** The static type of input {@code i}, or null when omitted or unknown. */
    public ValueType inputType(int i) {
        return node.hasInput(i) ? graph.typeOf(node.inputs().get(i)) : null;
    }

    /** The static type of output {@code i}, or null when unknown. */
    public ValueType outputType(int i) {
        return node.hasOutput(i) ? graph.typeOf(node.outputs().get(i)) : null;
    }
}
