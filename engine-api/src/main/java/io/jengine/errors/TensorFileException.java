package io.jengine.errors;

/** A tensor file (.npy or TensorProto .pb) is malformed or holds an unsupported type. */
public final class TensorFileException extends EngineException {
    public TensorFileException(String message) { super(message); }

    public TensorFileException(String message, Throwable cause) { super(message, cause); }
}
