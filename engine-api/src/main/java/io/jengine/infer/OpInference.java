package io.jengine.infer;

import io.jengine.tensor.ValueType;
import java.util.List;

/**
 * Static type and shape inference for one op: from what is known about a node's inputs (types, and the values of
 * constant inputs), the types of its outputs. Unknown parts stay unknown (null type, null shape, unknown dims); an
 * inconsistency the op can detect (mismatched inner dimensions, a bad axis) is an {@link IllegalArgumentException}
 * that the driver reports with the node, op, domain and opset.
 */
@FunctionalInterface
public interface OpInference {
    /** One entry per node output, null where nothing can be said. */
    List<ValueType> infer(InferenceContext ctx);
}
