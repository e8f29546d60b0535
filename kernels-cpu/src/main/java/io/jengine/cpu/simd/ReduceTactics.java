package io.jengine.cpu.simd;

import io.jengine.cpu.simd.ops.AxisReduce;
import io.jengine.ir.Node;
import io.jengine.spi.NodeContext;
import io.jengine.spi.Tactic;
import io.jengine.tensor.DType;
import io.jengine.tensor.Shapes;
import io.jengine.tensor.Tensor;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * ReduceSum, ReduceMean, ReduceMax and ReduceMin on float32 over a run of adjacent axes (axes from the attribute or,
 * from opset 18 (ReduceSum 13), a constant input), as {@link AxisReduce}: the global pools of channel-blocked
 * activations, means over a last axis. Other axis sets, and axes computed at run time, stay with the reference.
 */
final class ReduceTactics {
    private ReduceTactics() {}

    static void register(Map<String, TacticSource> m) {
        for (String op : List.of("ReduceSum", "ReduceMean", "ReduceMax", "ReduceMin")) m.put(op, ReduceTactics::tactics);
    }

    private static List<Tactic> tactics(NodeContext ctx, String backend) {
        Node n = ctx.node();
        if (!n.domain().isEmpty()) return List.of();
        long[] x = PlannedShapes.inputDims(ctx, 0, DType.FLOAT32);
        if (x == null || x.length == 0 || Shapes.size(x) == 0) return List.of();
        long[] axes;
        if (n.hasInput(1)) {
            Tensor a = ctx.constant(1);
            if (a == null || a.rank() != 1) return List.of();
            axes = new long[(int) a.size()];
            for (int i = 0; i < axes.length; i++) axes[i] = (long) a.getDouble(i);
        } else {
            axes = n.attrInts("axes", new long[0]);
        }
        if (axes.length == 0) {
            if (n.attrInt("noop_with_empty_axes", 0) != 0) return List.of();
            axes = new long[x.length];
            for (int i = 0; i < x.length; i++) axes[i] = i;
        }
        long[] sorted = new long[axes.length];
        for (int i = 0; i < axes.length; i++) {
            if (axes[i] < -x.length || axes[i] >= x.length) return List.of(); // the reference names the bad axis
            sorted[i] = axes[i] < 0 ? axes[i] + x.length : axes[i];
        }
        Arrays.sort(sorted);
        for (int i = 1; i < sorted.length; i++) if (sorted[i] != sorted[i - 1] + 1) return List.of();
        int first = (int) sorted[0], last = (int) sorted[sorted.length - 1];
        long outer = 1, reduced = 1, inner = 1;
        for (int i = 0; i < x.length; i++) {
            if (i < first) outer *= x[i];
            else if (i <= last) reduced *= x[i];
            else inner *= x[i];
        }
        boolean keep = n.attrInt("keepdims", 1) != 0;
        long[] y = new long[keep ? x.length : x.length - sorted.length];
        for (int i = 0, j = 0; i < x.length; i++) {
            if (i < first || i > last) y[j++] = x[i];
            else if (keep) y[j++] = 1;
        }
        if (!PlannedShapes.outputIs(ctx, 0, DType.FLOAT32, y)) return List.of();
        AxisReduce.Kind kind = switch (n.opType()) {
            case "ReduceSum" -> AxisReduce.Kind.SUM;
            case "ReduceMean" -> AxisReduce.Kind.MEAN;
            case "ReduceMax" -> AxisReduce.Kind.MAX;
            default -> AxisReduce.Kind.MIN;
        };
        AxisReduce reduce = new AxisReduce(outer, reduced, inner, kind);
        return List.of(new Tactic(backend, "reduce.axes", () -> kc -> {
            Tensor in = PlannedShapes.input(kc, 0, DType.FLOAT32, x);
            reduce.run(in.data(), 0, kc.output(0, DType.FLOAT32, y).data(), 0, kc.threads());
        }));
    }
}
