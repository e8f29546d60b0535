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
        return Map.copyOf(m);
    }
}
