package io.jengine.errors;

/** What the caller fed at run time does not match the model: wrong name, dtype, rank or dimension. */
public final class InvalidInputException extends EngineException {
    public InvalidInputException(String message) { super(message); }
}
