package io.jengine.infer;

import io.jengine.ir.FusedOpSpec;

/**
 * The engine's own ops (domain "jengine"): fused ops have their base op's output type (FusedConv is typed as Conv ...);
 * Gelu and LayerNormalization, for models older than the ONNX ops, keep the input's type.
 */
final class FusedOpInference {
    static final String DOMAIN = FusedOpSpec.DOMAIN;

    private FusedOpInference() {}

    static void register(InferenceRegistry r) {
        r.add(DOMAIN, "Gelu", 1, ElementwiseInference::sameAsFirst);
        // An elementwise chain's output is the broadcast of all its inputs.
        r.add(DOMAIN, "ElementwiseChain", 1, c -> {
            java.util.List<io.jengine.tensor.Shape> shapes = new java.util.ArrayList<>();
            for (int i = 0; i < c.inputCount(); i++) shapes.add(c.shape(i));
            return java.util.Arrays.asList(InferenceContext.tensor(c.elemType(0), DimMath.broadcast(shapes)));
        });
        // Attention over [..., S, D] queries and [..., Skv, Dv] values gives [..., S, Dv].
        r.add(DOMAIN, "ScaledDotProductAttention", 1, c -> {
            io.jengine.tensor.Shape q = c.shape(0), v = c.shape(2);
            if (q == null || v == null || q.rank() < 2 || v.rank() < 1) return java.util.Arrays.asList(InferenceContext.tensor(c.elemType(0), null));
            java.util.List<io.jengine.tensor.Dim> dims = new java.util.ArrayList<>(q.dims());
            dims.set(dims.size() - 1, v.dim(v.rank() - 1));
            return java.util.List.of(new io.jengine.tensor.ValueType.TensorType(c.elemType(0), new io.jengine.tensor.Shape(dims)));
        });
        r.add(DOMAIN, "LayerNormalization", 1, ElementwiseInference::sameAsFirst);
        for (String base : new String[] {"Conv", "ConvTranspose", "Gemm", "MatMul"}) {
            r.add(DOMAIN, "Fused" + base, 1, c -> {
                OpInference rule = r.find("", base, Integer.MAX_VALUE);
                return rule == null ? null : rule.infer(c);
            });
        }
    }
}
