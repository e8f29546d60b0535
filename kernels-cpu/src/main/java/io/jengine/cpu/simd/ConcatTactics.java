package io.jengine.cpu.simd;

import io.jengine.cpu.simd.ops.Concat;
import io.jengine.ir.Node;
import io.jengine.spi.Kernel;
import io.jengine.spi.KernelContext;
import io.jengine.spi.NodeContext;
import io.jengine.spi.Tactic;
import io.jengine.tensor.DType;
import io.jengine.tensor.Tensor;
import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.Map;

/**
 * Concat of inputs of one dense element type, as a {@link Concat} prepared for the planned shapes. The axis is an
 * attribute, defaulting to 1 before opset 4 and required since.
 */
final class ConcatTactics {
    private ConcatTactics() {}

    static void register(Map<String, TacticSource> m) {
        m.put("Concat", ConcatTactics::tactics);
    }

    private static List<Tactic> tactics(NodeContext ctx, String backend) {
        Node n = ctx.node();
        DType t = PlannedShapes.inputType(ctx, 0);
        if (!n.domain().isEmpty() || n.inputCount() == 0 || !PlannedShapes.movable(t)) return List.of();
        if (ctx.opsetVersion() >= 4 && !n.hasAttr("axis")) return List.of();
        long[][] shapes = new long[n.inputCount()][];
        for (int i = 0; i < shapes.length; i++) {
            shapes[i] = PlannedShapes.inputDims(ctx, i, t);
            if (shapes[i] == null) return List.of();
        }
        Concat op;
        try {
            op = new Concat(shapes, n.attrInt("axis", 1), t.byteSize());
        } catch (IllegalArgumentException e) {
            return List.of(); // the reference names the bad axis or the mismatched input
        }
        long[] out = op.outShape();
        if (!PlannedShapes.outputIs(ctx, 0, t, out)) return List.of();
        return List.of(new Tactic(backend, "concat", () -> new ConcatKernel(op, t, shapes, out, new long[shapes.length])));
    }

    /** {@code offsets}: every input from byte 0 (shared by all runs, never written). */
    private record ConcatKernel(Concat op, DType dtype, long[][] inShapes, long[] outShape, long[] offsets)
            implements Kernel {
        @Override
        public void run(KernelContext ctx) {
            MemorySegment[] in = new MemorySegment[inShapes.length];
            for (int i = 0; i < in.length; i++) in[i] = PlannedShapes.input(ctx, i, dtype, inShapes[i]).data();
            Tensor y = ctx.output(0, dtype, outShape);
            op.run(in, offsets, y.data(), 0, ctx.threads());
        }
    }
}
