package io.jengine.cpu.simd;

import io.jengine.cpu.simd.ops.GatherRows;
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
 * Gather on axis 0 (an embedding lookup) of any dense element type, with int32 or int64 indices, constant or
 * computed, as {@link GatherRows}: output row k is data row indices[k]. Other axes stay with the reference.
 */
final class GatherTactics {
    private GatherTactics() {}

    static void register(Map<String, TacticSource> m) {
        m.put("Gather", GatherTactics::tactics);
    }

    private static List<Tactic> tactics(NodeContext ctx, String backend) {
        Node n = ctx.node();
        DType t = PlannedShapes.inputType(ctx, 0), it = PlannedShapes.inputType(ctx, 1);
        long[] data = PlannedShapes.movable(t) ? PlannedShapes.inputDims(ctx, 0, t) : null;
        if (!n.domain().isEmpty() || data == null || data.length == 0 || n.inputCount() != 2) return List.of();
        if (it != DType.INT32 && it != DType.INT64) return List.of();
        long[] idx = PlannedShapes.inputDims(ctx, 1, it);
        long axis = n.attrInt("axis", 0);
        if (idx == null || (axis != 0 && axis != -data.length)) return List.of();
        long[] out = new long[idx.length + data.length - 1];
        System.arraycopy(idx, 0, out, 0, idx.length);
        System.arraycopy(data, 1, out, idx.length, data.length - 1);
        if (!PlannedShapes.outputIs(ctx, 0, t, out)) return List.of();
        long rowBytes = Math.multiplyExact(Shapes.size(Arrays.copyOfRange(data, 1, data.length)), (long) t.byteSize());
        return List.of(new Tactic(backend, "gather.rows", () -> new GatherKernel(t, data, it, idx, out, rowBytes)));
    }

    private record GatherKernel(DType dtype, long[] dataShape, DType indexType, long[] indexShape, long[] outShape,
                                long rowBytes) implements Kernel {
        @Override
        public void run(KernelContext ctx) {
            Tensor x = PlannedShapes.input(ctx, 0, dtype, dataShape);
            Tensor i = PlannedShapes.input(ctx, 1, indexType, indexShape);
            Tensor y = ctx.output(0, dtype, outShape);
            GatherRows.run(x.data(), 0, dataShape[0], rowBytes, i.data(), 0, indexType.byteSize(), i.size(), y.data(), 0,
                    ctx.threads());
        }
    }
}
