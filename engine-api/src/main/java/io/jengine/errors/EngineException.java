package io.jengine.errors;

/**
 * Base of every error the engine reports to a user. The message is one line that names what is wrong (file, node,
 * tensor) and what was expected; the CLI prints exactly it and exits with code 2.
 */
public class EngineException extends RuntimeException {
    public EngineException(String message) { super(message); }

    public EngineException(String message, Throwable cause) { super(message, cause); }
}
