package io.jengine.serving;

import io.jengine.tensor.DType;
import java.util.List;

/**
 * One input or output as KServe V2 model metadata shows it: name, datatype and shape, -1 for a dimension the model
 * leaves open (the batch dimension of a batching model among them). An output whose rank the model does not state
 * (no shape rule reached it) has an empty shape, as a scalar has: only a run tells.
 */
public record TensorMetadata(String name, DType dtype, List<Long> shape) {
    public TensorMetadata {
        shape = List.copyOf(shape);
    }

    /** The V2 datatype name ({@code FP32}, {@code INT64}, {@code BYTES} ...). */
    public String datatype() { return V2Datatype.of(dtype).orElseThrow(); }

    /** Whether dimension {@code axis} is fixed by the model. */
    boolean fixed(int axis) { return shape.get(axis) >= 0; }

    @Override
    public String toString() { return name + ": " + datatype() + " " + shape; }
}
