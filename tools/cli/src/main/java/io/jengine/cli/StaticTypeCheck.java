package io.jengine.cli;

import io.jengine.tensor.Dim;
import io.jengine.tensor.ValueType;
import io.jengine.tensor.Value;
import io.jengine.tensor.Shapes;
import io.jengine.tensor.Tensor;

/**
 * Holds shape inference to what the kernels actually produce: a statically known element type or dimension of a
 * graph output that the computed tensor contradicts is a conformance failure, so inference is tested on every case.
 */
final class StaticTypeCheck {
    private StaticTypeCheck() {}

    /** Why {@code got} contradicts {@code declared}, or null when it does not. */
    static String mismatch(ValueType declared, Value got) {
        if (!(declared instanceof ValueType.TensorType t) || !(got instanceof Tensor x)) return null;
        if (t.elementType() != null && t.elementType() != x.dtype()) {
            return "statically typed " + t + " but computed " + x.describe();
        }
        if (t.shape() == null) return null;
        if (t.shape().rank() != x.rank()) return "static shape " + t.shape() + " but computed " + Shapes.format(x.shape());
        for (int i = 0; i < x.rank(); i++) {
            Dim d = t.shape().dim(i);
            if (d.isKnown() && d.value() != x.dim(i)) {
                return "static shape " + t.shape() + " but computed " + Shapes.format(x.shape());
            }
        }
        return null;
    }
}
