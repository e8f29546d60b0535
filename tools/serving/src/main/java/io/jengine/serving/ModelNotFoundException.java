package io.jengine.serving;

/** No model of that name (or no such version of it) is loaded. */
public final class ModelNotFoundException extends ServingException {
    public ModelNotFoundException(String message) { super(message); }
}
