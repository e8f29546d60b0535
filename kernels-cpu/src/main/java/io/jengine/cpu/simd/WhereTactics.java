package io.jengine.cpu.simd;

import io.jengine.cpu.simd.ops.WhereSelect;
import io.jengine.ir.Node;
import io.jengine.spi.NodeContext;
import io.jengine.spi.Tactic;
import io.jengine.tensor.DType;
import io.jengine.tensor.Tensor;
import java.util.List;
import java.util.Map;

/**
 * Where on float32 values with a bool condition, under numpy broadcasting of all three inputs (an attention mask
 * turned into additive biases, for one), as {@link WhereSelect}.
 */
final class WhereTactics {
    private WhereTactics() {}

    static void register(Map<String, TacticSource> m) {
        m.put("Where", WhereTactics::tactics);
    }

    private static List<Tactic> tactics(NodeContext ctx, String backend) {
        Node n = ctx.node();
        if (!n.domain().isEmpty() || n.inputCount() != 3) return List.of();
        long[] c = PlannedShapes.inputDims(ctx, 0, DType.BOOL);
        long[] x = PlannedShapes.inputDims(ctx, 1, DType.FLOAT32);
        long[] y = PlannedShapes.inputDims(ctx, 2, DType.FLOAT32);
        if (c == null || x == null || y == null) return List.of();
        WhereSelect select;
        try {
            select = new WhereSelect(c, x, y);
        } catch (IllegalArgumentException e) {
            return List.of(); // shapes that do not broadcast: the reference says which
        }
        long[] out = select.outShape();
        if (!PlannedShapes.outputIs(ctx, 0, DType.FLOAT32, out)) return List.of();
        return List.of(new Tactic(backend, "where", () -> kc -> {
            Tensor ct = PlannedShapes.input(kc, 0, DType.BOOL, c);
            Tensor xt = PlannedShapes.input(kc, 1, DType.FLOAT32, x);
            Tensor yt = PlannedShapes.input(kc, 2, DType.FLOAT32, y);
            select.run(ct.data(), xt.data(), yt.data(), kc.output(0, DType.FLOAT32, out).data(), kc.threads());
        }));
    }
}
