package io.jengine.serving;

/**
 * The engine failed while running the batch that held the request (a kernel error, memory); the message is the
 * engine's, prefixed with the model. Only that batch's requests fail: the worker goes on serving.
 */
public final class InferenceFailedException extends ServingException {
    public InferenceFailedException(String message, Throwable cause) { super(message, cause); }

    public InferenceFailedException(String message) { super(message); }
}
