package io.jengine.opt.passes;

import io.jengine.ir.FusedOpSpec;
import io.jengine.ir.Node;
import io.jengine.opt.GraphIndex;
import java.util.Set;

/** What the passes share about the engine's own ops; their contract is {@link FusedOpSpec}. */
public final class FusedOps {
    public static final String DOMAIN = FusedOpSpec.DOMAIN;
    public static final int VERSION = FusedOpSpec.VERSION;

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
