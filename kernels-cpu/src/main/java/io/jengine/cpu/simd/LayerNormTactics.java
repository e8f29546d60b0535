package io.jengine.cpu.simd;

import io.jengine.cpu.simd.ops.LayerNorm;
import io.jengine.ir.FusedOpSpec;
import io.jengine.ir.Node;
import io.jengine.spi.Kernel;
import io.jengine.spi.KernelContext;
import io.jengine.spi.NodeContext;
import io.jengine.spi.Tactic;
import io.jengine.tensor.DType;
import io.jengine.tensor.Shapes;
import io.jengine.tensor.Tensor;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * LayerNormalization (ONNX, opset 17, and the jengine op for older models) in float32 as a {@link LayerNorm} over the
 * trailing dims from the axis, with the optional Mean and InvStdDev outputs. Scale and bias are constants (expanded
 * once to the normalized dims when they broadcast) or run-time inputs of exactly the normalized size; a run-time
 * input that broadcasts is left to the reference, since expanding it would need memory on every run.
 */
final class LayerNormTactics {
    private LayerNormTactics() {}

    static void register(Map<String, TacticSource> m) {
        m.put("LayerNormalization", LayerNormTactics::tactics);
    }

    /** Scale or bias: constant values expanded to the normalized size, or else the input to read at run time. */
    private record Operand(MemorySegment constant, long[] runtimeShape) {}

    private static List<Tactic> tactics(NodeContext ctx, String backend) {
        Node n = ctx.node();
        boolean jengine = FusedOpSpec.is(n, "LayerNormalization");
        if (!jengine && !(n.domain().isEmpty() && ctx.opsetVersion() >= 17)) return List.of();
        if (n.attrInt("stash_type", 1) != 1) return List.of();
        long[] s = PlannedShapes.inputDims(ctx, 0, DType.FLOAT32);
        if (s == null || s.length == 0 || !PlannedShapes.outputIs(ctx, 0, DType.FLOAT32, s)) return List.of();
        long axisAttr = n.attrInt("axis", -1);
        if (axisAttr < -s.length || axisAttr >= s.length) return List.of();
        int axis = Shapes.normalizeAxis(axisAttr, s.length);
        long[] norm = Arrays.copyOfRange(s, axis, s.length);
        long rows = Shapes.size(Arrays.copyOfRange(s, 0, axis)), size = Shapes.size(norm);
        float eps = n.attrFloat("epsilon", 1e-5f);
        if (rows == 0 || size == 0 || !(eps >= 0)) return List.of();
        long[] stats = s.clone();
        Arrays.fill(stats, axis, s.length, 1);
        for (int i = 1; i <= 2; i++) {
            if (n.hasOutput(i) && !PlannedShapes.outputAllows(ctx, i, DType.FLOAT32, stats)) return List.of();
        }
        if (!n.hasInput(1) || !fits(ctx, 1, norm) || (n.hasInput(2) && !fits(ctx, 2, norm))) return List.of();
        return List.of(new Tactic(backend, "layer-norm", () -> new LayerNormKernel(new LayerNorm(size, eps), s, stats,
                rows, operand(ctx, 1, norm), n.hasInput(2) ? operand(ctx, 2, norm) : null, n.hasOutput(1), n.hasOutput(2))));
    }

    /** Whether input i can serve as scale or bias: float32, and a constant broadcasting to norm or an exact fit. */
    private static boolean fits(NodeContext ctx, int i, long[] norm) {
        Tensor c = ctx.constant(i);
        long[] d = c != null ? (c.dtype() == DType.FLOAT32 ? c.shape() : null) : PlannedShapes.inputDims(ctx, i, DType.FLOAT32);
        if (d == null || d.length > norm.length) return false;
        try {
            if (!Arrays.equals(Shapes.broadcast(d, norm), norm)) return false;
        } catch (IllegalArgumentException e) {
            return false;
        }
        return c != null || Shapes.size(d) == Shapes.size(norm);
    }

    private static Operand operand(NodeContext ctx, int i, long[] norm) {
        Tensor c = ctx.constant(i);
        if (c == null) return new Operand(null, PlannedShapes.inputDims(ctx, i, DType.FLOAT32));
        long size = Shapes.size(norm);
        MemorySegment m = Arena.ofAuto().allocate(4 * size, 64);
        long[] strides = Shapes.broadcastStrides(c.shape(), norm);
        for (long e = 0; e < size; e++) {
            long at = 0, rest = e;
            for (int d = norm.length - 1; d >= 0; d--) {
                at += (rest % norm[d]) * strides[d];
                rest /= norm[d];
            }
            m.setAtIndex(ValueLayout.JAVA_FLOAT, e, c.getFloat(at));
        }
        return new Operand(m, null);
    }

    private record LayerNormKernel(LayerNorm norm, long[] shape, long[] statShape, long rows, Operand scale,
                                   Operand bias, boolean mean, boolean invStd) implements Kernel {
        @Override
        public void run(KernelContext ctx) {
            Tensor x = PlannedShapes.input(ctx, 0, DType.FLOAT32, shape);
            MemorySegment s = segment(ctx, 1, scale), b = bias == null ? null : segment(ctx, 2, bias);
            Tensor y = ctx.output(0, DType.FLOAT32, shape);
            MemorySegment m = mean ? ctx.output(1, DType.FLOAT32, statShape).data() : null;
            MemorySegment inv = invStd ? ctx.output(2, DType.FLOAT32, statShape).data() : null;
            norm.run(x.data(), 0, s, 0, b, 0, y.data(), 0, m, 0, inv, 0, rows, ctx.threads());
        }

        private static MemorySegment segment(KernelContext ctx, int i, Operand o) {
            return o.constant() != null ? o.constant() : PlannedShapes.input(ctx, i, DType.FLOAT32, o.runtimeShape()).data();
        }

        @Override
        public int inPlaceInput() { return 0; }
    }
}
