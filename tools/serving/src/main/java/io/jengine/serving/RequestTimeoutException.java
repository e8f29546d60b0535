package io.jengine.serving;

/** The request's timeout passed before a worker started running it; it was never run. */
public final class RequestTimeoutException extends ServingException {
    public RequestTimeoutException(String message) { super(message); }
}
