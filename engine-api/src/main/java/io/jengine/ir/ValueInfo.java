package io.jengine.ir;

import io.jengine.tensor.ValueType;
/** A named graph value and its static type; {@code type} may be null when nothing is known about it. */
public record ValueInfo(String name, ValueType type) {
    @Override
    public String toString() { return name + ": " + (type == null ? "?" : type); }
}
