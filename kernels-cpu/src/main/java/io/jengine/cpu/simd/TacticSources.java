package io.jengine.cpu.simd;

import java.util.HashMap;
import java.util.Map;

/** The cpu-simd backend's op families, each registering the op types it serves. */
final class TacticSources {
    private TacticSources() {}

    static Map<String, TacticSource> all() {
        Map<String, TacticSource> m = new HashMap<>();
        ViewTactics.register(m);
        ConvTactics.register(m);
        GemmTactics.register(m);
        PoolTactics.register(m);
        UnaryTactics.register(m);
        BinaryTactics.register(m);
        ElementwiseChainTactics.register(m);
        SoftmaxTactics.register(m);
        LayerNormTactics.register(m);
        AttentionTactics.register(m);
        TransposeTactics.register(m);
        SliceTactics.register(m);
        ConcatTactics.register(m);
        GatherTactics.register(m);
        ResizeTactics.register(m);
        ConvTransposeTactics.register(m);
        WhereTactics.register(m);
        LayoutTactics.register(m);
        ReduceTactics.register(m);
        LogicalTactics.register(m);
        QuantizeTactics.register(m);
        QuantizedConvTactics.register(m);
        QuantizedMatMulTactics.register(m);
        return Map.copyOf(m);
    }
}
