package io.jengine.errors;

/** The graph is well-formed protobuf but not a runnable graph: unknown op, dangling input, cycle, bad attribute. */
public final class GraphValidationException extends EngineException {
    public GraphValidationException(String message) { super(message); }
}
