package com.example.jengine;

import io.jengine.ir.Node;
import io.jengine.spi.Backend;
import io.jengine.spi.NodeContext;
import io.jengine.spi.Tactic;
import io.jengine.spi.Workload;
import io.jengine.tensor.DType;
import io.jengine.tensor.Tensor;
import io.jengine.tensor.ValueType;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * The plugin's backend, "example": the fast Swish for its own op, and a block-sparse MatMul that competes with the
 * engine's dense ones. Its priority (15) puts it above cpu-simd (10) and below cpu-native (20): the default rule
 * takes its Swish (no other backend has one) and leaves MatMul to oneDNN unless the weights are very sparse; the
 * tuner times the sparse tactic beside the dense ones wherever it is offered and keeps whichever is faster.
 */
public final class ExampleBackend implements Backend {
    public static final String NAME = "example";
    /** Offered up to this share of stored blocks; beyond it a dense GEMM is always faster. */
    static final double OFFERED_DENSITY = 0.5;
    /** Recommended to the default rule up to this share: at a tenth of the blocks it beats a dense GEMM here. */
    static final double DEFAULT_DENSITY = 0.1;

    /** Block density per weight tensor: tactics() is asked several times per node (planning, tuning). */
    private final Map<Tensor, Double> densities = Collections.synchronizedMap(new WeakHashMap<>());

    @Override
    public String name() { return NAME; }

    @Override
    public int priority() { return 15; }

    @Override
    public List<String> tacticNames() { return List.of("com.example::Swish: swish.vector", "MatMul: matmul.block-sparse"); }

    @Override
    public List<Tactic> tactics(NodeContext ctx) {
        Node n = ctx.node();
        if (n.domain().equals(SwishOp.DOMAIN) && n.opType().equals(SwishOp.OP)) return swish(ctx);
        if (n.domain().isEmpty() && n.opType().equals("MatMul")) return sparseMatMul(ctx);
        return List.of();
    }

    private static List<Tactic> swish(NodeContext ctx) {
        if (!(ctx.inputType(0) instanceof ValueType.TensorType t) || t.elementType() != DType.FLOAT32) return List.of();
        float beta = ctx.node().attrFloat("beta", 1f);
        List<Tactic> l = new ArrayList<>();
        long[] dims = ctx.inputDims(0);
        Tactic tactic = new Tactic(NAME, "swish.vector", () -> new SwishKernel(beta));
        // 1 exp, 1 division and 3 other operations per element; one read and one write
        if (dims != null) tactic = tactic.withWorkload(new Workload(5.0 * size(dims), 8.0 * size(dims)));
        l.add(tactic);
        return l;
    }

    private List<Tactic> sparseMatMul(NodeContext ctx) {
        Tensor b = ctx.constant(1);
        long[] a = ctx.inputDims(0);
        if (b == null || b.dtype() != DType.FLOAT32 || b.rank() != 2 || a == null || a.length < 2
                || a[a.length - 1] != b.dim(0) || !(ctx.inputType(0) instanceof ValueType.TensorType t)
                || t.elementType() != DType.FLOAT32 || b.size() == 0 || b.dim(0) > Integer.MAX_VALUE
                || b.dim(1) > Integer.MAX_VALUE) {
            return List.of();
        }
        double density = densities.computeIfAbsent(b, w -> BlockSparseWeights.blockDensity(w, BlockSparseMatMul.F.length()));
        if (density > OFFERED_DENSITY) return List.of();
        long m = size(a) / a[a.length - 1], k = b.dim(0), n = b.dim(1);
        long blocks = (n + BlockSparseMatMul.F.length() - 1) / BlockSparseMatMul.F.length();
        double stored = density * k * blocks;
        Workload work = new Workload(2.0 * m * stored * BlockSparseMatMul.F.length(),
                4.0 * (m * k + m * n) + stored * (4.0 * BlockSparseMatMul.F.length() + 4));
        return List.of(new Tactic(NAME, "matmul.block-sparse", () -> new BlockSparseMatMul(b), density <= DEFAULT_DENSITY)
                .withWorkload(work));
    }

    private static long size(long[] dims) {
        long s = 1;
        for (long d : dims) s *= d;
        return s;
    }
}
