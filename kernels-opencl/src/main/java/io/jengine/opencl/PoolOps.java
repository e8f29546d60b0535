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

/** 1-D and 2-D MaxPool and AveragePool (NCW, NCHW), and the global pools over any spatial rank, on float32. */
final class PoolOps {
    private PoolOps() {}

    static Supplier<ClOp> pool(NodeContext ctx, Io io, OpenClDevice device) {
        Node node = ctx.node();
        boolean max = node.opType().equals("MaxPool");
        // MaxPool's optional Indices output, and storage order, stay on the host
        if (!io.allFloat32() || io.namedOutputs() != 1 || !node.hasOutput(0)) return null;
        long[] x = io.in()[0], y = io.out()[0];
        if (x == null || y == null || x.length != y.length || (x.length != 4 && x.length != 3)) return null;
        int r = x.length - 2;
        long[] k = node.attrInts("kernel_shape", null);
        if (k == null || k.length != r) return null;
        long[] strides = node.attrInts("strides", r == 1 ? new long[] {1} : new long[] {1, 1});
        long[] dil = node.attrInts("dilations", r == 1 ? new long[] {1} : new long[] {1, 1});
        if (strides.length != r || dil.length != r) return null;
        long[] pads = Pads.of(node, java.util.Arrays.copyOfRange(x, 2, x.length), k, strides, dil,
                java.util.Arrays.copyOfRange(y, 2, y.length));
        if (pads == null) return null;
        if (r == 1) {
            // a 1-D pool is the 2-D one of height 1
            x = new long[] {x[0], x[1], 1, x[2]};
            y = new long[] {y[0], y[1], 1, y[2]};
            k = new long[] {1, k[0]};
            strides = new long[] {1, strides[0]};
            dil = new long[] {1, dil[0]};
            pads = new long[] {0, pads[0], 0, pads[1]};
        }
        int includePad = (int) node.attrInt("count_include_pad", 0);
        int[] geo = {(int) x[0], (int) x[1], (int) x[2], (int) x[3], (int) y[2], (int) y[3], (int) k[0], (int) k[1],
                (int) strides[0], (int) strides[1], (int) pads[0], (int) pads[1], (int) dil[0], (int) dil[1],
                includePad, (int) pads[2], (int) pads[3]};
        long n = Shapes.size(y);
        long[] out = io.out()[0];
        return () -> new ClOp(device) {
            private final org.jocl.cl_mem geoMem = ints(geo);
            private final ClKernel kernel = device.kernel(max ? "maxpool2d" : "avgpool2d", "pool.cl");

            @Override
            void run(KernelContext c, OpenClMemory mem) {
                List<Object> args = new ArrayList<>();
                tensor(args, mem, c.tensor(0));
                tensor(args, mem, c.output(0, DType.FLOAT32, out));
                args.add(geoMem);
                kernel.launch(new long[] {n}, new long[] {64}, args.toArray());
            }
        };
    }

    static Supplier<ClOp> global(NodeContext ctx, Io io, OpenClDevice device) {
        boolean max = ctx.node().opType().equals("GlobalMaxPool");
        long[] x = io.in()[0], y = io.out()[0];
        if (!io.allFloat32() || x == null || x.length < 3 || y == null) return null;
        long planes = x[0] * x[1], size = Shapes.size(x) / Math.max(1, planes);
        if (planes == 0 || size == 0 || size > Integer.MAX_VALUE) return null;
        long local = Math.min(256, Integer.highestOneBit((int) Math.min(size, device.info().maxWorkGroupSize())));
        return () -> new ClOp(device) {
            private final ClKernel kernel = device.kernel("global_pool", "pool.cl");

            @Override
            void run(KernelContext c, OpenClMemory mem) {
                List<Object> args = new ArrayList<>();
                tensor(args, mem, c.tensor(0));
                tensor(args, mem, c.output(0, DType.FLOAT32, y));
                args.add((int) size);
                args.add(max ? 1 : 0);
                kernel.launch(new long[] {planes * local}, new long[] {local}, args.toArray());
            }
        };
    }
}
