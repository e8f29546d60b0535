package io.jengine.opencl;

import io.jengine.ir.Node;
import io.jengine.spi.KernelContext;
import io.jengine.spi.NodeContext;
import io.jengine.tensor.DType;
import io.jengine.tensor.Shapes;
import io.jengine.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * The Reduce* family on float32 ({@code reduce.cl}): any set of axes (an attribute in early opsets, a constant input
 * since opset 13 for ReduceSum and 18 for the others), keepdims either way. Reducing nothing under
 * {@code noop_with_empty_axes} (an identity) and integer types are left to the host.
 */
final class ReduceOps {
    private ReduceOps() {}

    /** The ops in {@code reduce.cl}'s numbering. */
    static final List<String> OPS = List.of("ReduceSum", "ReduceMean", "ReduceMax", "ReduceMin", "ReduceProd",
            "ReduceL1", "ReduceL2", "ReduceLogSum", "ReduceLogSumExp", "ReduceSumSquare");

    static Supplier<ClOp> reduce(NodeContext ctx, Io io, OpenClDevice device) {
        Node node = ctx.node();
        int op = OPS.indexOf(node.opType());
        long[] x = io.in()[0], y = io.out()[0];
        if (op < 0 || x == null || y == null || io.inTypes()[0] != DType.FLOAT32 || io.outTypes()[0] != DType.FLOAT32) {
            return null;
        }
        long[] axes;
        if (ctx.opsetVersion() >= (op == 0 ? 13 : 18)) {
            axes = null;
            if (node.hasInput(1)) {
                Tensor a = ctx.constant(1);
                if (a == null) return null;
                axes = a.toLongArray();
            }
        } else {
            axes = node.attrInts("axes", null);
        }
        boolean all = axes == null || axes.length == 0;
        if (all && node.attrInt("noop_with_empty_axes", 0) != 0) return null;
        int r = x.length;
        boolean[] red = new boolean[r];
        if (all) {
            java.util.Arrays.fill(red, true);
        } else {
            for (long a : axes) {
                long d = a < 0 ? a + r : a;
                if (d < 0 || d >= r) return null;
                red[(int) d] = true;
            }
        }
        long[] xs = Shapes.strides(x);
        List<Long> keptDims = new ArrayList<>(), keptStrides = new ArrayList<>();
        List<Long> redDims = new ArrayList<>(), redStrides = new ArrayList<>();
        for (int d = 0; d < r; d++) {
            (red[d] ? redDims : keptDims).add(x[d]);
            (red[d] ? redStrides : keptStrides).add(xs[d]);
        }
        long n = Shapes.size(y), count = 1;
        for (long d : redDims) count *= d;
        long kept = 1;
        for (long d : keptDims) kept *= d;
        if (kept != n) return null;
        List<Long> all4 = new ArrayList<>(keptDims);
        all4.addAll(keptStrides);
        all4.addAll(redDims);
        all4.addAll(redStrides);
        long[] meta = all4.stream().mapToLong(Long::longValue).toArray();
        int keptRank = keptDims.size(), redRank = redDims.size();
        long terms = count;
        return () -> new ClOp(device) {
            private final org.jocl.cl_mem metaMem = longs(meta);
            private final ClKernel kernel = device.kernel("reduce_f32", "reduce.cl");

            @Override
            void run(KernelContext c, OpenClMemory mem) {
                List<Object> args = new ArrayList<>();
                tensor(args, mem, c.tensor(0));
                tensor(args, mem, c.output(0, DType.FLOAT32, y));
                args.addAll(List.of(n, metaMem, keptRank, redRank, terms, op));
                kernel.launch(new long[] {n}, new long[] {64}, args.toArray());
            }
        };
    }
}
