package io.jengine.tensor;


/**
 * An ONNX optional: either holds a tensor or sequence, or is empty. An empty optional still knows its declared type,
 * which {@code OptionalHasElement} does not need but the output type check does.
 */
public record OptionalValue(ValueType elementType, Value content) implements Value {
    public static OptionalValue empty(ValueType type) { return new OptionalValue(type, null); }

    public boolean isPresent() { return content != null; }

    @Override
    public String describe() { return content == null ? "optional(empty)" : "optional(" + content.describe() + ")"; }
}
