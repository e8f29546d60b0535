package io.jengine.serving;

/** The model's queue is full; the request was refused at once, without waiting for room, so that a client can back off or go elsewhere. */
public final class ServerBusyException extends ServingException {
    public ServerBusyException(String message) { super(message); }
}
