package io.jengine.cpu.simd;

import io.jengine.cpu.simd.ops.ChannelBlockReorder;
import io.jengine.ir.FusedOpSpec;
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
 * The conversions into and out of the channel-blocked layout ({@link FusedOpSpec#TO_BLOCKED},
 * {@link FusedOpSpec#FROM_BLOCKED}) on float32, as {@link ChannelBlockReorder}. Where the plane is a single position
 * (after a global pool) both layouts hold the same bytes, and the conversion is a view.
 */
final class LayoutTactics {
    private LayoutTactics() {}

    static void register(Map<String, TacticSource> m) {
        m.put(FusedOpSpec.TO_BLOCKED, LayoutTactics::tactics);
        m.put(FusedOpSpec.FROM_BLOCKED, LayoutTactics::tactics);
    }

    private static List<Tactic> tactics(NodeContext ctx, String backend) {
        Node n = ctx.node();
        boolean toBlocked = FusedOpSpec.is(n, FusedOpSpec.TO_BLOCKED);
        if (!toBlocked && !FusedOpSpec.is(n, FusedOpSpec.FROM_BLOCKED)) return List.of();
        if (!n.hasAttr(FusedOpSpec.BLOCK)) return List.of();
        long block = n.attrInt(FusedOpSpec.BLOCK, 0);
        long[] x = PlannedShapes.inputDims(ctx, 0, DType.FLOAT32);
        if (x == null || block < 0 || block > 1024 || x.length != (toBlocked ? 4 : 5)) return List.of();
        // block 0: channels-last, the block being the tensor's channel count ([N, 1, H, W, C])
        if (block == 0) block = toBlocked ? x[1] : x[1] == 1 ? x[4] : -1;
        if (block < 1 || block > Integer.MAX_VALUE) return List.of();
        if (toBlocked ? x[1] % block != 0 : x[4] != block) return List.of();
        long[] y = toBlocked ? new long[] {x[0], x[1] / block, x[2], x[3], block}
                : new long[] {x[0], x[1] * block, x[2], x[3]};
        if (!PlannedShapes.outputIs(ctx, 0, DType.FLOAT32, y) || x[0] == 0 || x[1] == 0 || x[2] * x[3] == 0) {
            return List.of();
        }
        long hw = x[2] * x[3];
        ChannelBlockReorder reorder = new ChannelBlockReorder(x[0], toBlocked ? x[1] : x[1] * block, hw, (int) block);
        return List.of(new Tactic(backend, hw == 1 ? "layout.view" : toBlocked ? "layout.to-blocked" : "layout.from-blocked",
                () -> new Reorder(reorder, toBlocked, x, y, hw == 1)));
    }

    private record Reorder(ChannelBlockReorder reorder, boolean toBlocked, long[] in, long[] out, boolean sameBytes)
            implements Kernel {
        @Override
        public void run(KernelContext ctx) {
            Tensor x = PlannedShapes.input(ctx, 0, DType.FLOAT32, in);
            Tensor y = ctx.output(0, DType.FLOAT32, out);
            if (sameBytes) {
                if (y.data().address() != x.data().address()) MemorySegment.copy(x.data(), 0, y.data(), 0, x.byteSize());
            } else if (toBlocked) {
                reorder.toBlocked(x.data(), 0, y.data(), 0, ctx.threads());
            } else {
                reorder.toPlain(x.data(), 0, y.data(), 0, ctx.threads());
            }
        }

        @Override
        public int viewOf() { return sameBytes ? 0 : -1; }
    }
}
