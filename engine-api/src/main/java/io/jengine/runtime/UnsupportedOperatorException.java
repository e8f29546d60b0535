package io.jengine.runtime;

import io.jengine.errors.EngineException;
import io.jengine.ir.Node;

/** No backend implements a node's op at the model's opset. */
public final class UnsupportedOperatorException extends EngineException {
    private final String domain;
    private final String opType;

    public UnsupportedOperatorException(Node node, int opset) {
        super("node " + node.label() + ": no backend implements op " + node.opType() + " (domain "
                + (node.domain().isEmpty() ? "ai.onnx" : node.domain()) + ", opset " + opset + ")"
                + (io.jengine.spi.OpDefinition.RESERVED_DOMAINS.contains(node.domain()) ? ""
                        : "; " + node.domain() + "::" + node.opType() + " is not an ONNX op: load the plugin that"
                        + " defines it (engine ... --plugin PATH.jar or --plugin-path DIR; in Java,"
                        + " EngineBuilder.plugins(...))"));
        this.domain = node.domain();
        this.opType = node.opType();
    }

    public String domain() { return domain; }

    public String opType() { return opType; }
}
