package io.jengine.errors;

/**
 * A model, plan or input asked for more than a configured resource limit allows (bytes in one allocation, Loop
 * iterations, sequence length): refused before the memory is taken. The message names what asked, how much, the
 * limit, and the system property that raises it.
 */
public final class ResourceLimitException extends EngineException {
    public ResourceLimitException(String message) { super(message); }

    public ResourceLimitException(String message, Throwable cause) { super(message, cause); }
}
