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

/** Softmax, LogSoftmax and LayerNormalization on float32: a work-group per row, reducing in local memory. */
final class RowOps {
    private RowOps() {}

    static long groupSize(OpenClDevice d, long n) {
        long cap = Math.min(256, d.info().maxWorkGroupSize());
        long g = 1;
        while (g * 2 <= cap && g < n) g *= 2;
        return g;
    }

    static Supplier<ClOp> softmax(NodeContext ctx, Io io, OpenClDevice device) {
        Node node = ctx.node();
        long[] x = io.in()[0];
        if (!io.allFloat32() || x == null || x.length == 0 || io.namedOutputs() != 1) return null;
        int r = x.length;
        boolean v13 = ctx.opsetVersion() >= 13;
        int axis = (int) node.attrInt("axis", v13 ? -1 : 1);
        if (axis < -r || axis >= r) return null;
        if (axis < 0) axis += r;
        long n, inner;
        if (v13) {
            n = x[axis];
            inner = Shapes.size(java.util.Arrays.copyOfRange(x, axis + 1, r));
        } else {
            n = Shapes.size(java.util.Arrays.copyOfRange(x, axis, r));
            inner = 1;
        }
        long total = Shapes.size(x);
        if (n == 0 || total == 0 || n > Integer.MAX_VALUE || inner > Integer.MAX_VALUE) return null;
        long rows = total / n;
        long local = groupSize(device, n);
        int log = node.opType().equals("LogSoftmax") ? 1 : 0;
        long nn = n, in = inner;
        return () -> new ClOp(device) {
            private final ClKernel kernel = device.kernel("softmax", "rows.cl");

            @Override
            void run(KernelContext c, OpenClMemory mem) {
                List<Object> args = new ArrayList<>();
                tensor(args, mem, c.tensor(0));
                tensor(args, mem, c.output(0, DType.FLOAT32, x));
                args.addAll(List.of((int) nn, (int) in, log, 0, 0f));
                kernel.launch(new long[] {rows * local}, new long[] {local}, args.toArray());
            }
        };
    }

    static Supplier<ClOp> layerNorm(NodeContext ctx, Io io, OpenClDevice device) {
        Node node = ctx.node();
        long[] x = io.in()[0];
        if (!io.allFloat32() || x == null || x.length == 0 || io.namedOutputs() != 1 || !node.hasOutput(0)) return null;
        int r = x.length;
        int axis = (int) node.attrInt("axis", -1);
        if (axis < -r || axis >= r) return null;
        if (axis < 0) axis += r;
        long n = Shapes.size(java.util.Arrays.copyOfRange(x, axis, r));
        if (n == 0 || n > Integer.MAX_VALUE || io.in()[1] == null || Shapes.size(io.in()[1]) != n) return null;
        boolean hasBias = node.hasInput(2);
        if (hasBias && (io.in()[2] == null || Shapes.size(io.in()[2]) != n)) return null;
        long rows = Shapes.size(x) / n;
        long local = groupSize(device, n);
        float eps = node.attrFloat("epsilon", 1e-5f);
        return () -> new ClOp(device) {
            private final ClKernel kernel = device.kernel("layernorm", "rows.cl");

            @Override
            void run(KernelContext c, OpenClMemory mem) {
                List<Object> args = new ArrayList<>();
                tensor(args, mem, c.tensor(0));
                tensor(args, mem, c.tensor(1));
                Tensor y = c.output(0, DType.FLOAT32, x);
                tensor(args, mem, hasBias ? c.tensor(2) : y);
                args.add(hasBias ? 1 : 0);
                tensor(args, mem, y);
                args.add((int) n);
                args.add(eps);
                kernel.launch(new long[] {rows * local}, new long[] {local}, args.toArray());
            }
        };
    }
}
