package io.jengine.ir;

import io.jengine.tensor.ValueType;
import io.jengine.tensor.Tensor;
import java.util.List;

/**
 * A node attribute: its name, its ONNX kind and its value. Values are immutable Java objects: Float, Long, String,
 * {@link Tensor}, {@link Graph}, {@link ValueType}, float[], long[] (copied on access), or lists of these.
 */
public record Attribute(String name, Kind kind, Object value) {

    public enum Kind { FLOAT, INT, STRING, TENSOR, GRAPH, SPARSE_TENSOR, TYPE_PROTO,
        FLOATS, INTS, STRINGS, TENSORS, GRAPHS, SPARSE_TENSORS, TYPE_PROTOS }

    public static Attribute of(String name, float v) { return new Attribute(name, Kind.FLOAT, v); }

    public static Attribute of(String name, long v) { return new Attribute(name, Kind.INT, v); }

    public static Attribute of(String name, String v) { return new Attribute(name, Kind.STRING, v); }

    public static Attribute of(String name, Tensor v) { return new Attribute(name, Kind.TENSOR, v); }

    public static Attribute of(String name, Graph v) { return new Attribute(name, Kind.GRAPH, v); }

    public static Attribute of(String name, float[] v) { return new Attribute(name, Kind.FLOATS, v.clone()); }

    public static Attribute of(String name, long[] v) { return new Attribute(name, Kind.INTS, v.clone()); }

    public static Attribute ofStrings(String name, List<String> v) {
        return new Attribute(name, Kind.STRINGS, List.copyOf(v));
    }

    public float asFloat() { return expect(Kind.FLOAT, Float.class); }

    public long asInt() { return expect(Kind.INT, Long.class); }

    public String asString() { return expect(Kind.STRING, String.class); }

    public Tensor asTensor() {
        return kind == Kind.SPARSE_TENSOR ? (Tensor) value : expect(Kind.TENSOR, Tensor.class);
    }

    public Graph asGraph() { return expect(Kind.GRAPH, Graph.class); }

    public ValueType asType() { return expect(Kind.TYPE_PROTO, ValueType.class); }

    public float[] asFloats() { return expect(Kind.FLOATS, float[].class).clone(); }

    public long[] asInts() { return expect(Kind.INTS, long[].class).clone(); }

    @SuppressWarnings("unchecked")
    public List<String> asStrings() { return expect(Kind.STRINGS, List.class); }

    @SuppressWarnings("unchecked")
    public List<Tensor> asTensors() { return expect(Kind.TENSORS, List.class); }

    @SuppressWarnings("unchecked")
    public List<Graph> asGraphs() { return expect(Kind.GRAPHS, List.class); }

    private <T> T expect(Kind k, Class<T> type) {
        if (kind != k) {
            throw new IllegalArgumentException("attribute '" + name + "' is " + kind + ", expected " + k);
        }
        return type.cast(value);
    }

    @Override
    public String toString() {
        Object v = switch (kind) {
            case FLOATS -> java.util.Arrays.toString((float[]) value);
            case INTS -> java.util.Arrays.toString((long[]) value);
            case GRAPH -> "graph " + ((Graph) value).name();
            default -> value;
        };
        return name + "=" + v;
    }
}
