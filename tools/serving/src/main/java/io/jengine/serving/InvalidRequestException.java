package io.jengine.serving;

/** The request does not fit the model: an unknown or missing input, a wrong datatype or shape, a batch above the model's maximum, a tensor above the element limit, an unknown requested output. Nothing was queued. */
public final class InvalidRequestException extends ServingException {
    public InvalidRequestException(String message) { super(message); }
}
