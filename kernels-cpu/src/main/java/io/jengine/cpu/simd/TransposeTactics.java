package io.jengine.cpu.simd;

import io.jengine.cpu.simd.ops.Transpose;
import io.jengine.ir.Node;
import io.jengine.spi.NodeContext;
import io.jengine.spi.Tactic;
import io.jengine.tensor.DType;
import java.util.List;
import java.util.Map;

/** Transpose of any dense element type, as a {@link Transpose} prepared for the planned shape and perm. */
final class TransposeTactics {
    private TransposeTactics() {}

    static void register(Map<String, TacticSource> m) {
        m.put("Transpose", TransposeTactics::tactics);
    }

    private static List<Tactic> tactics(NodeContext ctx, String backend) {
        Node n = ctx.node();
        DType t = PlannedShapes.inputType(ctx, 0);
        long[] s = PlannedShapes.movable(t) ? PlannedShapes.inputDims(ctx, 0, t) : null;
        if (!n.domain().isEmpty() || s == null) return List.of();
        long[] perm = n.attrInts("perm", null);
        int[] p = null;
        if (perm != null) {
            p = new int[perm.length];
            for (int i = 0; i < p.length; i++) {
                if (perm[i] < 0 || perm[i] >= s.length) return List.of(); // the reference names the bad perm
                p[i] = (int) perm[i];
            }
        }
        Transpose op;
        try {
            op = new Transpose(s, p, t.byteSize());
        } catch (IllegalArgumentException e) {
            return List.of();
        }
        long[] out = op.outShape();
        if (!PlannedShapes.outputIs(ctx, 0, t, out)) return List.of();
        return List.of(new Tactic(backend, "transpose", () -> new MoveKernel(t, s, out, op::run)));
    }
}
