package io.jengine.infer;

import io.jengine.tensor.Dim;
import io.jengine.ir.Node;
import io.jengine.tensor.Shape;
import io.jengine.tensor.ValueType;
import io.jengine.tensor.DType;
import io.jengine.tensor.Tensor;
import java.util.List;

/** What inference knows at one node: the node, its opset, its inputs' static types and constant values. */
public record InferenceContext(Node node, int opset, List<ValueType> inputTypes, List<Tensor> constants) {

    public int inputCount() { return node.inputs().size(); }

    public boolean hasInput(int i) { return node.hasInput(i); }

    /** The static type of input i, or null when omitted or unknown. */
    public ValueType type(int i) { return i < inputTypes.size() ? inputTypes.get(i) : null; }

    /** The element type of tensor input i, or null. */
    public DType elemType(int i) {
        return type(i) instanceof ValueType.TensorType t ? t.elementType() : null;
    }

    /** The shape of tensor input i, or null when its rank is unknown. */
    public Shape shape(int i) {
        return type(i) instanceof ValueType.TensorType t ? t.shape() : null;
    }

    /** The rank of tensor input i, or -1. */
    public int rank(int i) {
        Shape s = shape(i);
        return s == null ? -1 : s.rank();
    }

    /** The value of input i when it is an initializer or a folded constant, else null. */
    public Tensor constant(int i) { return i < constants.size() ? constants.get(i) : null; }

    /** Input i's constant value as longs, or null when it is not constant. */
    public long[] constantLongs(int i) {
        Tensor t = constant(i);
        return t == null ? null : t.toLongArray();
    }

    public static ValueType tensor(DType t, Shape s) { return t == null ? null : new ValueType.TensorType(t, s); }

    public static Shape shape(List<Dim> dims) { return new Shape(dims); }
}
