package io.jengine.cpu.ref;

import io.jengine.tensor.OptionalValue;
import io.jengine.tensor.TensorSequence;
import io.jengine.tensor.Value;
import io.jengine.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;

/**
 * Deep copies of runtime values. Kernels must return fresh values, and the sequence, optional and control-flow ops
 * otherwise hand back what they were given (a branch may output an outer-scope value, a loop may run zero times).
 */
final class ValueCopies {
    private ValueCopies() {}

    /** A copy sharing no tensor with {@code v}; null stays null. */
    static Value copy(Value v) {
        return switch (v) {
            case null -> null;
            case Tensor t -> t.copy();
            case TensorSequence s -> new TensorSequence(s.elementType(), copyAll(s.tensors()));
            case OptionalValue o -> new OptionalValue(o.elementType(), copy(o.content()));
            default -> throw new IllegalArgumentException("cannot copy a value of kind " + v.describe());
        };
    }

    static List<Tensor> copyAll(List<Tensor> tensors) {
        List<Tensor> out = new ArrayList<>(tensors.size());
        for (Tensor t : tensors) out.add(t.copy());
        return out;
    }

    static Value[] copyAll(List<Value> values, int from, int to) {
        Value[] out = new Value[to - from];
        for (int i = from; i < to; i++) out[i - from] = copy(values.get(i));
        return out;
    }
}
