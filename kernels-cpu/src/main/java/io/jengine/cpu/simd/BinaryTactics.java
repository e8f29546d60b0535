package io.jengine.cpu.simd;

import io.jengine.cpu.simd.ops.BinaryOp;
import io.jengine.cpu.simd.ops.BroadcastBinary;
import io.jengine.ir.Node;
import io.jengine.spi.Kernel;
import io.jengine.spi.KernelContext;
import io.jengine.spi.NodeContext;
import io.jengine.spi.Tactic;
import io.jengine.tensor.DType;
import io.jengine.tensor.Shapes;
import io.jengine.tensor.Tensor;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Add, Sub, Mul, Div, Pow, and Max / Min of exactly two inputs, float32 on both sides, under numpy broadcasting, as a
 * {@link BroadcastBinary} prepared for the planned shapes. The output takes the buffer of an input that is not
 * broadcast (one with the output's element count), when the planner can give it.
 */
final class BinaryTactics {
    private BinaryTactics() {}

    static void register(Map<String, TacticSource> m) {
        for (BinaryOp op : BinaryOp.values()) m.put(op.onnxName(), BinaryTactics::tactics);
    }

    private static List<Tactic> tactics(NodeContext ctx, String backend) {
        Node n = ctx.node();
        if (!n.domain().isEmpty() || n.inputCount() != 2) return List.of();
        long[] a = PlannedShapes.inputDims(ctx, 0, DType.FLOAT32), b = PlannedShapes.inputDims(ctx, 1, DType.FLOAT32);
        if (a == null || b == null) return List.of();
        long[] out;
        try {
            out = Shapes.broadcast(a, b);
        } catch (IllegalArgumentException e) {
            return List.of(); // the reference reports the mismatch
        }
        if (!PlannedShapes.outputIs(ctx, 0, DType.FLOAT32, out)) return List.of();
        BinaryOp op = BinaryOp.named(n.opType());
        long size = Shapes.size(out);
        // An input of the output's element count is read in the output's order, so writing over it is safe.
        int inPlace = Shapes.size(a) == size ? 0 : Shapes.size(b) == size ? 1 : -1;
        String name = "binary." + op.onnxName().toLowerCase(Locale.ROOT);
        return List.of(new Tactic(backend, name, () -> new BinaryKernel(new BroadcastBinary(op, a, b), a, b, out, inPlace)));
    }

    private record BinaryKernel(BroadcastBinary op, long[] aShape, long[] bShape, long[] outShape, int inPlace)
            implements Kernel {
        @Override
        public void run(KernelContext ctx) {
            Tensor a = PlannedShapes.input(ctx, 0, DType.FLOAT32, aShape);
            Tensor b = PlannedShapes.input(ctx, 1, DType.FLOAT32, bShape);
            Tensor y = ctx.output(0, DType.FLOAT32, outShape);
            op.run(a.data(), 0, b.data(), 0, y.data(), 0, ctx.threads());
        }

        @Override
        public int inPlaceInput() { return inPlace; }
    }
}
