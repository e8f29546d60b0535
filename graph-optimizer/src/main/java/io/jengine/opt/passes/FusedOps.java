package io.jengine.opt.passes;

import io.jengine.ir.Node;
import io.jengine.opt.GraphIndex;
import java.util.Set;

/**
 * The engine's own fused ops, in domain {@value #DOMAIN}: FusedConv, FusedConvTranspose, FusedGemm and FusedMatMul
 * take their base op's inputs and attributes plus {@code activation} (Relu, Clip, LeakyRelu, Sigmoid, HardSigmoid,
 * HardSwish, Tanh, SiLU, Gelu) and {@code activation_params}; every backend that runs the base op can run them.
 */
public final class FusedOps {
    public static final String DOMAIN = "jengine";
    public static final int VERSION = 1;

    /** Ops an activation can be fused into. */
    static final Set<String> FUSIBLE = Set.of("Conv", "ConvTranspose", "Gemm", "MatMul");

    private FusedOps() {}

    /** A fused layer's name: the original nodes' names joined with " + ", as TensorRT names its layers. */
    static String joinNames(GraphIndex g, Node... nodes) {
        StringBuilder b = new StringBuilder();
        for (Node n : nodes) {
            String part = n.domain().equals(DOMAIN) || n.name().contains(" + ") ? n.name() : g.displayName(n);
            b.append(b.isEmpty() ? "" : " + ").append(part);
        }
        return b.toString();
    }
}
