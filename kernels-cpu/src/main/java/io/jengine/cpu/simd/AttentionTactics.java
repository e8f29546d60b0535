package io.jengine.cpu.simd;

import io.jengine.cpu.simd.ops.ScaledDotProductAttention;
import io.jengine.ir.FusedOpSpec;
import io.jengine.ir.Node;
import io.jengine.spi.Kernel;
import io.jengine.spi.KernelContext;
import io.jengine.spi.NodeContext;
import io.jengine.spi.Tactic;
import io.jengine.tensor.DType;
import io.jengine.tensor.Tensor;
import java.util.List;
import java.util.Map;

/**
 * {@code jengine.ScaledDotProductAttention} in float32: inputs Q, Kᵀ, V and an optional additive mask (input 3),
 * attributes q_scale, k_scale and nan_value, as the reference kernel reads them. Offered when Q, Kᵀ and V share their
 * rank and leading dims and the mask broadcasts to the scores; other layouts (the reference broadcasts leading dims
 * as MatMul does) stay with the reference.
 */
final class AttentionTactics {
    private static final int MASK = 3;

    private AttentionTactics() {}

    static void register(Map<String, TacticSource> m) {
        m.put(FusedOpSpec.ATTENTION, AttentionTactics::tactics);
    }

    private static List<Tactic> tactics(NodeContext ctx, String backend) {
        Node n = ctx.node();
        if (!FusedOpSpec.is(n, FusedOpSpec.ATTENTION) || n.inputCount() > MASK + 1) return List.of();
        long[] q = PlannedShapes.inputDims(ctx, 0, DType.FLOAT32), kT = PlannedShapes.inputDims(ctx, 1, DType.FLOAT32);
        long[] v = PlannedShapes.inputDims(ctx, 2, DType.FLOAT32);
        long[] mask = n.hasInput(MASK) ? PlannedShapes.inputDims(ctx, MASK, DType.FLOAT32) : null;
        if (q == null || kT == null || v == null || (n.hasInput(MASK) && mask == null)) return List.of();
        Float nanValue = n.hasAttr("nan_value") ? n.attrFloat("nan_value", 0f) : null;
        ScaledDotProductAttention op;
        try {
            op = new ScaledDotProductAttention(q, kT, v, mask, n.attrFloat("q_scale", 1f), n.attrFloat("k_scale", 1f),
                    nanValue);
        } catch (IllegalArgumentException | ArithmeticException e) {
            return List.of(); // shapes it does not handle; the reference runs them or names the mismatch
        }
        long[] out = op.outShape();
        if (!PlannedShapes.outputIs(ctx, 0, DType.FLOAT32, out)) return List.of();
        return List.of(new Tactic(backend, "attention.rows", () -> new AttentionKernel(op, q, kT, v, mask, out)));
    }

    private record AttentionKernel(ScaledDotProductAttention op, long[] q, long[] kT, long[] v, long[] mask,
                                   long[] out) implements Kernel {
        @Override
        public void run(KernelContext ctx) {
            Tensor tq = PlannedShapes.input(ctx, 0, DType.FLOAT32, q), tk = PlannedShapes.input(ctx, 1, DType.FLOAT32, kT);
            Tensor tv = PlannedShapes.input(ctx, 2, DType.FLOAT32, v);
            Tensor tm = mask == null ? null : PlannedShapes.input(ctx, MASK, DType.FLOAT32, mask);
            Tensor y = ctx.output(0, DType.FLOAT32, out);
            op.run(tq.data(), 0, tk.data(), 0, tv.data(), 0, tm == null ? null : tm.data(), 0, y.data(), 0, ctx.threads());
        }
    }
}
