package io.jengine.errors;

/** A kernel failed on the values it was given; the message names the node, its op and the offending input. */
public final class KernelException extends EngineException {
    public KernelException(String message, Throwable cause) { super(message, cause); }
}
