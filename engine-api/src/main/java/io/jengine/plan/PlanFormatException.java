package io.jengine.plan;

import io.jengine.errors.EngineException;

/** A file that is not a plan this engine can read: foreign, truncated, tampered with, or of another format version. */
public final class PlanFormatException extends EngineException {
    public PlanFormatException(String message) { super(message); }

    public PlanFormatException(String message, Throwable cause) { super(message, cause); }
}
