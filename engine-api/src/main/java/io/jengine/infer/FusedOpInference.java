package io.jengine.infer;

/**
 * The engine's fused ops (domain "jengine") have their base op's output type: FusedConv is typed as Conv, and so on.
 */
final class FusedOpInference {
    static final String DOMAIN = "jengine";

    private FusedOpInference() {}

    static void register(InferenceRegistry r) {
        for (String base : new String[] {"Conv", "ConvTranspose", "Gemm", "MatMul"}) {
            r.add(DOMAIN, "Fused" + base, 1, c -> {
                OpInference rule = r.find("", base, Integer.MAX_VALUE);
                return rule == null ? null : rule.infer(c);
            });
        }
    }
}
