package io.jengine.tensor;

/** Thrown when a tensor of an element type the engine cannot store or compute (float8, int4, complex) is needed. */
public final class UnsupportedDTypeException extends RuntimeException {
    private final DType dtype;

    public UnsupportedDTypeException(DType dtype) {
        super("element type " + dtype + " is not supported");
        this.dtype = dtype;
    }

    public DType dtype() { return dtype; }
}
