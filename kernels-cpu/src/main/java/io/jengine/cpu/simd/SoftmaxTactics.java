package io.jengine.cpu.simd;

import io.jengine.cpu.simd.ops.Softmax;
import io.jengine.ir.Node;
import io.jengine.spi.Kernel;
import io.jengine.spi.KernelContext;
import io.jengine.spi.NodeContext;
import io.jengine.spi.Tactic;
import io.jengine.tensor.DType;
import io.jengine.tensor.Shapes;
import io.jengine.tensor.Tensor;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Softmax and LogSoftmax in float32 as the [outer, dim, inner] loops of {@link Softmax}, in place where the planner
 * allows. The axis means what the node's opset says: before 13 the input is coerced to 2-D at the axis (default 1),
 * so one softmax runs over all the trailing dims together (inner = 1); from 13 over the one axis (default -1).
 */
final class SoftmaxTactics {
    private SoftmaxTactics() {}

    static void register(Map<String, TacticSource> m) {
        m.put("Softmax", SoftmaxTactics::tactics);
        m.put("LogSoftmax", SoftmaxTactics::tactics);
    }

    private static List<Tactic> tactics(NodeContext ctx, String backend) {
        Node n = ctx.node();
        long[] s = PlannedShapes.inputDims(ctx, 0, DType.FLOAT32);
        if (!n.domain().isEmpty() || s == null || s.length == 0 || Shapes.size(s) == 0
                || !PlannedShapes.outputIs(ctx, 0, DType.FLOAT32, s)) {
            return List.of();
        }
        boolean coerce2d = ctx.opsetVersion() < 13;
        long axisAttr = n.attrInt("axis", coerce2d ? 1 : -1);
        if (axisAttr < -s.length || axisAttr >= s.length) return List.of(); // the reference names the bad axis
        int axis = Shapes.normalizeAxis(axisAttr, s.length);
        long outer = Shapes.size(Arrays.copyOfRange(s, 0, axis));
        long dim = coerce2d ? Shapes.size(Arrays.copyOfRange(s, axis, s.length)) : s[axis];
        long inner = coerce2d ? 1 : Shapes.size(Arrays.copyOfRange(s, axis + 1, s.length));
        boolean log = n.opType().equals("LogSoftmax");
        String name = (log ? "log-softmax" : "softmax") + (inner == 1 ? ".rows" : ".columns");
        return List.of(new Tactic(backend, name, () -> new SoftmaxKernel(log, s, outer, dim, inner)));
    }

    private record SoftmaxKernel(boolean log, long[] shape, long outer, long dim, long inner) implements Kernel {
        @Override
        public void run(KernelContext ctx) {
            Tensor x = PlannedShapes.input(ctx, 0, DType.FLOAT32, shape);
            Tensor y = ctx.output(0, DType.FLOAT32, shape);
            if (log) Softmax.logSoftmax(x.data(), 0, y.data(), 0, outer, dim, inner, ctx.threads());
            else Softmax.softmax(x.data(), 0, y.data(), 0, outer, dim, inner, ctx.threads());
        }

        @Override
        public int inPlaceInput() { return 0; }
    }
}
