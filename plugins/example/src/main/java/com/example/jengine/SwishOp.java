package com.example.jengine;

import io.jengine.infer.InferenceContext;
import io.jengine.spi.OpDefinition;
import io.jengine.spi.ValueKernel;
import io.jengine.tensor.DType;
import io.jengine.tensor.Tensor;
import io.jengine.tensor.Value;
import io.jengine.tensor.ValueType;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * {@code com.example::Swish(X; beta = 1.0) = X * sigmoid(beta * X)}, elementwise, float32 or float64 (opset 1 of the
 * {@code com.example} domain). The reference kernel computes in double, one element at a time; the fast tactic is
 * {@link SwishKernel}.
 */
public final class SwishOp {
    public static final String DOMAIN = "com.example";
    public static final String OP = "Swish";
    static final Set<DType> TYPES = Set.of(DType.FLOAT32, DType.FLOAT64);

    /** Its definition: shape and type pass through, the reference kernel, and folding allowed (it is pure). */
    public static final OpDefinition DEFINITION = new OpDefinition(DOMAIN, OP, 1, SwishOp::infer,
            node -> reference(node.node().attrFloat("beta", 1f)), true);

    private SwishOp() {}

    /** One output of the input's type and shape; other element types are an error the engine reports with the node. */
    static List<ValueType> infer(InferenceContext ctx) {
        if (ctx.inputCount() != 1 || ctx.node().outputs().size() != 1) {
            throw new IllegalArgumentException("Swish takes one input and gives one output");
        }
        DType t = ctx.elemType(0);
        if (t != null && !TYPES.contains(t)) throw new IllegalArgumentException("Swish takes float32 or float64, got " + t);
        return Arrays.asList(ctx.type(0));
    }

    /** The plain definition, in double precision, making a new tensor: the ground truth of the fast kernel. */
    static ValueKernel reference(float beta) {
        return (ctx, in) -> {
            Tensor x = (Tensor) in[0];
            if (!TYPES.contains(x.dtype())) throw new IllegalArgumentException("Swish takes float32 or float64, got " + x.dtype());
            Tensor y = Tensor.allocate(x.dtype(), x.shape());
            for (long i = 0; i < x.size(); i++) {
                double v = x.getDouble(i);
                y.setDouble(i, v * (1 / (1 + Math.exp(-beta * v))));
            }
            return new Value[] {y};
        };
    }
}
