package io.jengine.errors;

/** The model file cannot be read as an ONNX model: truncated, not protobuf, missing external data, bad tensor. */
public final class ModelFormatException extends EngineException {
    public ModelFormatException(String message) { super(message); }

    public ModelFormatException(String message, Throwable cause) { super(message, cause); }
}
