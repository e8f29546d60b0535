package io.jengine.cpu.simd;

import io.jengine.cpu.simd.ops.LogicalBinary;
import io.jengine.ir.Node;
import io.jengine.spi.NodeContext;
import io.jengine.spi.Tactic;
import io.jengine.tensor.DType;
import io.jengine.tensor.Tensor;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * And, Or and Xor on bool tensors under broadcasting (attention masks combined at run time), as
 * {@link LogicalBinary}: bitwise on the bytes, exactly the reference's results.
 */
final class LogicalTactics {
    private LogicalTactics() {}

    static void register(Map<String, TacticSource> m) {
        for (String op : List.of("And", "Or", "Xor")) m.put(op, LogicalTactics::tactics);
    }

    private static List<Tactic> tactics(NodeContext ctx, String backend) {
        Node n = ctx.node();
        if (!n.domain().isEmpty() || n.inputCount() != 2) return List.of();
        long[] a = PlannedShapes.inputDims(ctx, 0, DType.BOOL), b = PlannedShapes.inputDims(ctx, 1, DType.BOOL);
        if (a == null || b == null) return List.of();
        LogicalBinary op;
        try {
            op = new LogicalBinary(LogicalBinary.Op.valueOf(n.opType().toUpperCase(Locale.ROOT)), a, b);
        } catch (IllegalArgumentException e) {
            return List.of(); // shapes that do not broadcast: the reference says which
        }
        long[] out = op.outShape();
        if (!PlannedShapes.outputIs(ctx, 0, DType.BOOL, out)) return List.of();
        return List.of(new Tactic(backend, "logical." + n.opType().toLowerCase(Locale.ROOT), () -> kc -> {
            Tensor x = PlannedShapes.input(kc, 0, DType.BOOL, a), y = PlannedShapes.input(kc, 1, DType.BOOL, b);
            op.run(x.data(), y.data(), kc.output(0, DType.BOOL, out).data(), kc.threads());
        }));
    }
}
