package io.jengine.cpu.simd;

import io.jengine.spi.Backend;
import io.jengine.spi.NodeContext;
import io.jengine.spi.Tactic;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The fast CPU backend: float32 kernels written with the Vector API (packed GEMM, convolutions, pools, elementwise
 * and normalization ops) and views for the ops that only reshape. It offers tactics only for nodes whose shapes are
 * concrete (plans are compiled per input shape, so that is every node of a static plan), and leaves everything else
 * to the reference backend below it.
 */
public final class SimdBackend implements Backend {
    public static final String NAME = "cpu-simd";

    /**
     * Whether the JVM was started with the Vector API module (--add-modules jdk.incubator.vector); without it this
     * backend offers nothing and the reference kernels run everything.
     */
    public static final boolean AVAILABLE = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();

    /** Op families by op type (domain "" or "jengine"). */
    private static final Map<String, TacticSource> SOURCES = AVAILABLE ? TacticSources.all() : Map.of();

    @Override
    public String name() { return NAME; }

    @Override
    public int priority() { return 10; }

    @Override
    public List<Tactic> tactics(NodeContext node) {
        String domain = node.node().domain();
        if (!domain.isEmpty() && !domain.equals("ai.onnx") && !domain.equals("jengine")) return List.of();
        TacticSource source = SOURCES.get(node.node().opType());
        return source == null ? List.of() : new ArrayList<>(source.tactics(node, NAME));
    }
}
