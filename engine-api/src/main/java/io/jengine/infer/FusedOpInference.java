package io.jengine.infer;

/**
 * The engine's own ops (domain "jengine"): fused ops have their base op's output type (FusedConv is typed as Conv ...);
 * Gelu and LayerNormalization, for models older than the ONNX ops, keep the input's type.
 */
final class FusedOpInference {
    static final String DOMAIN = "jengine";

    private FusedOpInference() {}

    static void register(InferenceRegistry r) {
        r.add(DOMAIN, "Gelu", 1, ElementwiseInference::sameAsFirst);
        r.add(DOMAIN, "LayerNormalization", 1, ElementwiseInference::sameAsFirst);
        for (String base : new String[] {"Conv", "ConvTranspose", "Gemm", "MatMul"}) {
            r.add(DOMAIN, "Fused" + base, 1, c -> {
                OpInference rule = r.find("", base, Integer.MAX_VALUE);
                return rule == null ? null : rule.infer(c);
            });
        }
    }
}
