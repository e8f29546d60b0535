package io.jengine.cpu.simd;

import io.jengine.cpu.simd.ops.Slice;
import io.jengine.ir.Node;
import io.jengine.spi.NodeContext;
import io.jengine.spi.Tactic;
import io.jengine.tensor.DType;
import io.jengine.tensor.Tensor;
import java.util.List;
import java.util.Map;

/**
 * Slice of any dense element type, as a {@link Slice} prepared for the planned shape: starts, ends, axes and steps
 * come from attributes before opset 10 and from inputs 1 to 4 since, which must then be constants (a slice computed
 * at run time is left to the reference).
 */
final class SliceTactics {
    private SliceTactics() {}

    static void register(Map<String, TacticSource> m) {
        m.put("Slice", SliceTactics::tactics);
    }

    private static List<Tactic> tactics(NodeContext ctx, String backend) {
        Node n = ctx.node();
        DType t = PlannedShapes.inputType(ctx, 0);
        long[] s = PlannedShapes.movable(t) ? PlannedShapes.inputDims(ctx, 0, t) : null;
        if (!n.domain().isEmpty() || s == null) return List.of();
        long[] starts, ends, axes, steps;
        if (ctx.opsetVersion() < 10) {
            starts = n.attrInts("starts", null);
            ends = n.attrInts("ends", null);
            axes = n.attrInts("axes", null);
            steps = null;
        } else {
            if (!n.hasInput(1) || !n.hasInput(2)) return List.of();
            starts = indices(ctx, 1);
            ends = indices(ctx, 2);
            axes = n.hasInput(3) ? indices(ctx, 3) : null;
            steps = n.hasInput(4) ? indices(ctx, 4) : null;
            if (starts == null || ends == null || (n.hasInput(3) && axes == null) || (n.hasInput(4) && steps == null)) {
                return List.of();
            }
        }
        Slice op;
        try {
            op = new Slice(s, starts, ends, axes, steps, t.byteSize());
        } catch (IllegalArgumentException e) {
            return List.of(); // the reference names the bad starts, ends, axes or steps
        }
        long[] out = op.outShape();
        if (!PlannedShapes.outputIs(ctx, 0, t, out)) return List.of();
        return List.of(new Tactic(backend, "slice", () -> new MoveKernel(t, s, out, op::run)));
    }

    /** Constant input i as longs when it is a 1-D int32 or int64 tensor, else null. */
    private static long[] indices(NodeContext ctx, int i) {
        Tensor c = ctx.constant(i);
        if (c == null || c.rank() != 1 || (c.dtype() != DType.INT64 && c.dtype() != DType.INT32)) return null;
        return c.toLongArray();
    }
}
