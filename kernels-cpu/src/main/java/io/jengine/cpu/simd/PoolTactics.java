package io.jengine.cpu.simd;

import io.jengine.cpu.ref.ConvGeometry;
import io.jengine.cpu.simd.ops.AveragePool2d;
import io.jengine.cpu.simd.ops.GlobalPool;
import io.jengine.cpu.simd.ops.MaxPool2d;
import io.jengine.cpu.simd.ops.PoolWindow2d;
import io.jengine.ir.Node;
import io.jengine.spi.Kernel;
import io.jengine.spi.NodeContext;
import io.jengine.spi.Tactic;
import io.jengine.tensor.DType;
import io.jengine.tensor.Shapes;
import io.jengine.tensor.Tensor;
import io.jengine.tensor.ValueType;
import java.util.List;
import java.util.Map;

/**
 * 2-D MaxPool (without the Indices output) and AveragePool over NCHW float32, and the global pools over any spatial
 * rank; window geometry resolved by the reference's {@link ConvGeometry}, so both read the attributes alike.
 */
final class PoolTactics {
    private PoolTactics() {}

    static void register(Map<String, TacticSource> m) {
        m.put("MaxPool", PoolTactics::window);
        m.put("AveragePool", PoolTactics::window);
        m.put("GlobalAveragePool", PoolTactics::global);
        m.put("GlobalMaxPool", PoolTactics::global);
    }

    private static long[] float32Dims(NodeContext ctx) {
        if (!(ctx.inputType(0) instanceof ValueType.TensorType t) || t.elementType() != DType.FLOAT32) return null;
        return ctx.inputDims(0);
    }

    private static List<Tactic> window(NodeContext ctx, String backend) {
        Node n = ctx.node();
        long[] x = float32Dims(ctx);
        if (x == null || n.outputs().size() > 1 && !n.outputs().get(1).isEmpty()) return List.of();
        if (x.length == 5) return blockedWindow(ctx, x, backend);
        if (x.length != 4) return List.of();
        boolean max = n.opType().equals("MaxPool");
        boolean ceil = n.attrInt("ceil_mode", 0) != 0;
        long[] kernel = n.attrInts("kernel_shape", null);
        if (kernel == null || kernel.length != 2) return List.of();
        ConvGeometry g;
        PoolWindow2d w;
        try {
            g = ConvGeometry.forward(n, new long[] {x[2], x[3]}, kernel, ceil);
            if (!max && (g.dilations()[0] != 1 || g.dilations()[1] != 1)) return List.of();
            w = PoolWindow2d.of((int) x[2], (int) x[3], (int) kernel[0], (int) kernel[1], (int) g.strides()[0],
                    (int) g.strides()[1], (int) g.dilations()[0], (int) g.dilations()[1], (int) g.padBegin()[0],
                    (int) g.padBegin()[1], (int) g.padEnd()[0], (int) g.padEnd()[1], ceil);
        } catch (IllegalArgumentException e) {
            return List.of(); // the reference kernel reports the bad attribute
        }
        long[] out = {x[0], x[1], w.outH(), w.outW()};
        if (out[2] != g.out()[0] || out[3] != g.out()[1]) return List.of();
        long planes = x[0] * x[1];
        if (max) {
            MaxPool2d pool = new MaxPool2d(w);
            return List.of(new Tactic(backend, "pool.max2d", () -> (Kernel) ctx2 -> {
                Tensor in = checked(ctx2.tensor(0), x);
                pool.run(in.data(), 0, ctx2.output(0, DType.FLOAT32, out).data(), 0, planes, ctx2.threads());
            }));
        }
        AveragePool2d pool = new AveragePool2d(w, n.attrInt("count_include_pad", 0) != 0);
        return List.of(new Tactic(backend, "pool.avg2d", () -> (Kernel) ctx2 -> {
            Tensor in = checked(ctx2.tensor(0), x);
            pool.run(in.data(), 0, ctx2.output(0, DType.FLOAT32, out).data(), 0, planes, ctx2.threads());
        }));
    }

    /**
     * A pool over channel-blocked activations {@code [N, C/b, H, W, b]}: a 3-D window that is 1 along the block axis,
     * with no stride, dilation or padding there, so that it pools each channel's plane.
     */
    private static List<Tactic> blockedWindow(NodeContext ctx, long[] x, String backend) {
        Node n = ctx.node();
        boolean max = n.opType().equals("MaxPool");
        boolean ceil = n.attrInt("ceil_mode", 0) != 0;
        long[] kernel = n.attrInts("kernel_shape", null);
        long[] strides = n.attrInts("strides", new long[] {1, 1, 1});
        long[] dil = n.attrInts("dilations", new long[] {1, 1, 1});
        long[] pads = n.attrInts("pads", new long[6]);
        if (kernel == null || kernel.length != 3 || kernel[2] != 1 || strides.length != 3 || strides[2] != 1
                || dil.length != 3 || dil[2] != 1 || pads.length != 6 || pads[2] != 0 || pads[5] != 0
                || !n.attrString("auto_pad", "NOTSET").equals("NOTSET") || x[4] > 1 << 16) {
            return List.of();
        }
        if (!max && (dil[0] != 1 || dil[1] != 1)) return List.of();
        ConvGeometry g;
        io.jengine.cpu.simd.ops.BlockedPool2d pool;
        try {
            g = ConvGeometry.forward(n, new long[] {x[2], x[3], x[4]}, kernel, ceil);
            PoolWindow2d w = PoolWindow2d.of((int) x[2], (int) x[3], (int) kernel[0], (int) kernel[1],
                    (int) strides[0], (int) strides[1], (int) dil[0], (int) dil[1], (int) pads[0], (int) pads[1],
                    (int) pads[3], (int) pads[4], ceil);
            pool = new io.jengine.cpu.simd.ops.BlockedPool2d(w, (int) x[4], max, n.attrInt("count_include_pad", 0) != 0);
        } catch (IllegalArgumentException e) {
            return List.of(); // the reference kernel reports the bad attribute, or the block suits no vector
        }
        PoolWindow2d w = pool.window();
        long[] out = {x[0], x[1], w.outH(), w.outW(), x[4]};
        if (g.out()[0] != w.outH() || g.out()[1] != w.outW() || g.out()[2] != x[4]) return List.of();
        long blocks = x[0] * x[1];
        return List.of(new Tactic(backend, max ? "pool.max2d-blocked" : "pool.avg2d-blocked", () -> (Kernel) kc -> {
            Tensor in = checked(kc.tensor(0), x);
            pool.run(in.data(), 0, kc.output(0, DType.FLOAT32, out).data(), 0, blocks, kc.threads());
            // each output is one of its window's inputs or their mean (padding counting 0): no larger in magnitude
            kc.outputBound(0, kc.inputBound(0));
        }));
    }

    private static List<Tactic> global(NodeContext ctx, String backend) {
        long[] x = float32Dims(ctx);
        if (x == null || x.length < 3) return List.of();
        long planes = x[0] * x[1], plane = Shapes.size(x) / Math.max(1, planes);
        if (planes == 0 || plane == 0) return List.of();
        long[] out = x.clone();
        for (int i = 2; i < out.length; i++) out[i] = 1;
        boolean max = ctx.node().opType().equals("GlobalMaxPool");
        return List.of(new Tactic(backend, max ? "pool.global-max" : "pool.global-avg", () -> (Kernel) ctx2 -> {
            Tensor in = checked(ctx2.tensor(0), x);
            Tensor y = ctx2.output(0, DType.FLOAT32, out);
            if (max) GlobalPool.max(in.data(), 0, y.data(), 0, planes, plane, ctx2.threads());
            else GlobalPool.average(in.data(), 0, y.data(), 0, planes, plane, ctx2.threads());
        }));
    }

    private static Tensor checked(Tensor t, long[] dims) {
        if (t.dtype() != DType.FLOAT32 || !t.hasShape(dims)) {
            throw new IllegalArgumentException("input X is " + t.describe() + ", the plan was made for float32 "
                    + Shapes.format(dims));
        }
        return t;
    }
}
