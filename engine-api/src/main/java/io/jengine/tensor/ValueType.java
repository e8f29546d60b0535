package io.jengine.tensor;


/** The static type of a graph value, as ONNX's TypeProto: tensor, sequence, optional, map or sparse tensor. */
public sealed interface ValueType {

    /** A dense tensor; {@code shape} is null when even the rank is unknown. */
    record TensorType(DType elementType, Shape shape) implements ValueType {
        @Override
        public String toString() { return "tensor(" + elementType + ")" + (shape == null ? "" : shape.toString()); }
    }

    record SequenceType(ValueType elementType) implements ValueType {
        @Override
        public String toString() { return "seq(" + elementType + ")"; }
    }

    record OptionalType(ValueType elementType) implements ValueType {
        @Override
        public String toString() { return "optional(" + elementType + ")"; }
    }

    record MapType(DType keyType, ValueType valueType) implements ValueType {
        @Override
        public String toString() { return "map(" + keyType + "," + valueType + ")"; }
    }

    record SparseTensorType(DType elementType, Shape shape) implements ValueType {
        @Override
        public String toString() { return "sparse_tensor(" + elementType + ")" + (shape == null ? "" : shape); }
    }

    static TensorType tensor(DType dtype, Shape shape) { return new TensorType(dtype, shape); }

    static TensorType tensor(DType dtype, long... dims) { return new TensorType(dtype, Shape.of(dims)); }

    /** The dimensions of {@code t} when it is a tensor type with every dimension known, else null. */
    static long[] staticDims(ValueType t) {
        if (!(t instanceof TensorType tt) || tt.shape() == null || !tt.shape().isFullyKnown()) return null;
        long[] d = new long[tt.shape().rank()];
        for (int i = 0; i < d.length; i++) d[i] = tt.shape().dim(i).value();
        return d;
    }

    /**
     * The bytes a value of type {@code t} takes when it is a tensor type with every dimension known; 0 otherwise (and
     * for strings, which have no fixed size): what a copy of it between host and device moves.
     */
    static long staticBytes(ValueType t) {
        long[] d = staticDims(t);
        if (d == null) return 0;
        return Shapes.size(d) * Math.max(0, ((TensorType) t).elementType().byteSize());
    }
}
