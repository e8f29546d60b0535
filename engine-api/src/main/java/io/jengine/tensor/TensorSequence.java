package io.jengine.tensor;

import io.jengine.limits.ResourceLimits;
import java.util.List;

/** An immutable ONNX sequence of tensors, all of one element type. */
public record TensorSequence(DType elementType, List<Tensor> tensors) implements Value {
    public TensorSequence {
        ResourceLimits.checkSequenceLength("a sequence of " + elementType, tensors.size());
        tensors = List.copyOf(tensors);
    }

    public int size() { return tensors.size(); }

    public Tensor get(int i) { return tensors.get(i); }

    @Override
    public String describe() { return "seq(tensor(" + elementType + ")) of " + tensors.size(); }
}
