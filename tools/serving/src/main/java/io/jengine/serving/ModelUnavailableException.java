package io.jengine.serving;

/** The model is known but accepts no requests now: the server is shutting down, or shut down before the request could run. */
public final class ModelUnavailableException extends ServingException {
    public ModelUnavailableException(String message) { super(message); }
}
