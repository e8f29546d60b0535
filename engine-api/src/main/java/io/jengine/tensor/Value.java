package io.jengine.tensor;

/**
 * A value flowing through a running graph: a {@link io.jengine.tensor.Tensor}, a {@link TensorSequence} or an
 * {@link OptionalValue}; no other kinds exist. Mirrors the ONNX value kinds that {@code Loop}, {@code Scan} and the {@code Sequence*}/{@code Optional*} ops need.
 */
public sealed interface Value permits Tensor, TensorSequence, OptionalValue {
    /** One line describing the value's type and shape, for error messages. */
    String describe();
}
