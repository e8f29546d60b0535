package io.jengine.build;

import io.jengine.ir.FusedOpSpec;
import io.jengine.ir.Graph;
import io.jengine.ir.Node;
import io.jengine.tensor.DType;
import io.jengine.tensor.Tensor;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * The weights of a graph's convolutions and matrix products: the float32 initializers (rank 2 and up) they take as
 * input 1, and the embedding tables Gathers look rows up in. What half-precision storage narrows: the bulk of a model's bytes, and values whose float16 rounding (about
 * 3 significant digits) a product over many of them averages out; biases, scales, epsilons and shapes stay exact.
 */
final class WeightTensors {
    private WeightTensors() {}

    private static final Set<String> ONNX = Set.of("Conv", "ConvTranspose", "MatMul", "Gemm");
    private static final Set<String> FUSED = Set.of(FusedOpSpec.FUSED_CONV, FusedOpSpec.FUSED_CONV_TRANSPOSE,
            FusedOpSpec.FUSED_MATMUL, FusedOpSpec.FUSED_GEMM, FusedOpSpec.BLOCKED_CONV);

    static Set<String> of(Graph g) {
        Set<String> out = new LinkedHashSet<>();
        for (Node n : g.nodes()) {
            // an embedding table: the data a Gather looks rows up in
            if (n.domain().isEmpty() && n.opType().equals("Gather") && n.hasInput(0)) add(g, n.inputs().get(0), out);
            boolean weighted = n.domain().isEmpty() ? ONNX.contains(n.opType())
                    : FusedOpSpec.DOMAIN.equals(n.domain()) && FUSED.contains(n.opType());
            if (weighted && n.hasInput(1)) add(g, n.inputs().get(1), out);
        }
        return out;
    }

    private static void add(Graph g, String name, Set<String> out) {
        Tensor w = g.initializers().get(name);
        if (w != null && w.dtype() == DType.FLOAT32 && w.rank() >= 2) out.add(name);
    }
}
