package io.jengine.opencl;

import io.jengine.ir.FusedOpSpec;
import io.jengine.ir.Node;
import io.jengine.spi.GemmProblem;
import io.jengine.spi.KernelContext;
import io.jengine.spi.NodeContext;
import io.jengine.spi.Tactic;
import io.jengine.tensor.DType;
import io.jengine.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import org.jocl.cl_mem;

/**
 * 2-D Conv and FusedConv (bias, residual, activation in the store) on float32 NCHW: an implicit GEMM per group for
 * dense and grouped convolutions, a direct kernel for depthwise ones. Constant weights are uploaded once when the
 * kernel is prepared.
 */
final class ConvOps {
    private ConvOps() {}

    /**
     * Geometry in {@code gemm.cl}'s order: N, C, H, W, OC, OH, OW, KH, KW, strides, pads (top, left), dilations,
     * groups. A 1-D convolution ({@code [N, C, W]}) is the 2-D one of height 1.
     */
    static int[] geometry(Node node, long[] x, long[] w, long[] y) {
        if (x.length == 3 && w.length == 3 && y.length == 3) {
            long[] s = node.attrInts("strides", new long[] {1}), d = node.attrInts("dilations", new long[] {1});
            if (s.length != 1 || d.length != 1) return null;
            long[] p = Pads.of(node, new long[] {x[2]}, new long[] {w[2]}, s, d, new long[] {y[2]});
            if (p == null) return null;
            return geometry(node, new long[] {x[0], x[1], 1, x[2]}, new long[] {w[0], w[1], 1, w[2]},
                    new long[] {y[0], y[1], 1, y[2]}, new long[] {1, s[0]}, new long[] {1, d[0]}, new long[] {0, p[0]});
        }
        if (x.length != 4 || w.length != 4 || y.length != 4) return null;
        long[] strides = node.attrInts("strides", new long[] {1, 1});
        long[] dil = node.attrInts("dilations", new long[] {1, 1});
        if (strides.length != 2 || dil.length != 2) return null;
        long[] pads = Pads.of(node, new long[] {x[2], x[3]}, new long[] {w[2], w[3]}, strides, dil, new long[] {y[2], y[3]});
        if (pads == null) return null;
        return geometry(node, x, w, y, strides, dil, pads);
    }

    /** The 2-D geometry from NCHW shapes, strides, dilations and the leading pads (top, left). */
    private static int[] geometry(Node node, long[] x, long[] w, long[] y, long[] strides, long[] dil, long[] pads) {
        long group = node.attrInt("group", 1);
        if (group <= 0 || x[1] % group != 0 || w[0] % group != 0 || w[1] * group != x[1] || y[1] != w[0]) return null;
        long[] g = {x[0], x[1], x[2], x[3], y[1], y[2], y[3], w[2], w[3], strides[0], strides[1], pads[0], pads[1],
                dil[0], dil[1], group};
        int[] r = new int[g.length];
        for (int i = 0; i < g.length; i++) {
            if (g[i] > Integer.MAX_VALUE) return null;
            r[i] = (int) g[i];
        }
        return r;
    }

    /** A convolution's products per group: output channels x (batch x output pixels) x (input channels x window). */
    static GemmProblem problem(int[] geo) {
        int groups = geo[15];
        long cols = (long) geo[0] * geo[5] * geo[6], k = (long) geo[1] / groups * geo[7] * geo[8];
        return new GemmProblem(Math.max(1, geo[4] / groups), (int) Math.max(1, Math.min(Integer.MAX_VALUE, cols)),
                (int) Math.max(1, Math.min(Integer.MAX_VALUE, k)), Math.max(1, groups), true, false, 1);
    }

    static Tactic conv(NodeContext ctx, Io io, OpenClDevice device) {
        Node node = ctx.node();
        boolean fused = FusedOpSpec.is(node, FusedOpSpec.FUSED_CONV);
        if (!io.allFloat32() || io.namedOutputs() != 1 || io.in()[0] == null || io.in()[1] == null) return null;
        ClActivation act = fused ? ClActivation.ofFused(node) : ClActivation.NONE;
        if (act == null) return null;
        int[] geo = geometry(node, io.in()[0], io.in()[1], io.out()[0]);
        if (geo == null) return null;
        int residual = fused && node.hasInput(FusedOpSpec.CONV_RESIDUAL) ? FusedOpSpec.CONV_RESIDUAL : -1;
        if (residual >= 0 && !java.util.Arrays.equals(io.in()[residual], io.out()[0])) return null;
        boolean depthwise = geo[15] == geo[1] && io.in()[1][1] == 1;
        if (!depthwise && !MatrixOps.fits(device)) return null;
        long[] out = io.out()[0];
        Tensor weights = ctx.constant(1), bias = node.hasInput(2) ? ctx.constant(2) : null;
        boolean hasBias = node.hasInput(2);
        if (depthwise) {
            return new Tactic(OpenClBackend.NAME, "conv",
                    () -> convKernel(device, null, geo, out, weights, bias, hasBias, residual, act));
        }
        return ClTunable.tactic("conv", problem(geo), device.info(),
                t -> convKernel(device, t, geo, out, weights, bias, hasBias, residual, act));
    }

    /** A convolution's kernel: the tiled implicit GEMM with {@code tiling}, or the depthwise one where it is null. */
    private static ClOp convKernel(OpenClDevice device, ClTiling tiling, int[] geo, long[] out, Tensor weights,
                                   Tensor bias, boolean hasBias, int residual, ClActivation act) {
        boolean depthwise = tiling == null;
        return new ClOp(device) {
            private final cl_mem geoMem = ints(geo);
            // the tiled kernel reads weights that are all half floats (an --fp16 plan's) in half the bytes
            private final cl_mem half = weights == null || depthwise ? null : halves(weights);
            private final cl_mem w = half != null ? half : weights == null ? null : floats(weights);
            private final cl_mem b = bias == null ? null : floats(bias);
            private final ClKernel kernel = depthwise ? device.kernel("depthwise2d", "gemm.cl")
                    : device.tiledKernel("conv2d", tiling, half != null ? "#define HALF_WEIGHTS\n" : "");

            {
                // the weights and bias it uploaded are what it reads: the plan need not copy them too
                if (w != null) hold(1);
                if (b != null) hold(2);
            }

            @Override
            void run(KernelContext c, OpenClMemory mem) {
                Tensor x = c.tensor(0);
                Tensor y = c.output(0, DType.FLOAT32, out);
                List<Object> args = new ArrayList<>();
                tensor(args, mem, x);
                if (w != null) {
                    args.add(w);
                    args.add(0L);
                } else {
                    tensor(args, mem, c.tensor(1));
                }
                tensor(args, mem, y);
                if (b != null) {
                    args.add(b);
                    args.add(0L);
                } else {
                    tensor(args, mem, hasBias ? c.tensor(2) : y);
                }
                args.add(hasBias ? 1 : 0);
                tensor(args, mem, residual >= 0 ? c.tensor(residual) : y);
                args.add(residual >= 0 ? 1 : 0);
                args.add(geoMem);
                args.addAll(List.of(act.id(), act.p0(), act.p1()));
                if (depthwise) {
                    kernel.launch(new long[] {(long) geo[0] * geo[4] * geo[5] * geo[6]}, new long[] {64}, args.toArray());
                } else {
                    int groups = geo[15];
                    long cols = (long) geo[0] * geo[5] * geo[6];
                    long rows = geo[4] / groups;
                    kernel.launch(tiling.global(rows, cols, groups), tiling.local(), args.toArray());
                }
            }
        };
    }

    /**
     * ConvTranspose and FusedConvTranspose (2-D, float32), with explicit pads and output_padding; the output size
     * must be what those give (an {@code output_shape} attribute or auto_pad other than VALID is left to the host).
     */
    static Tactic convTranspose(NodeContext ctx, Io io, OpenClDevice device) {
        Node node = ctx.node();
        long[] x = io.in()[0], w = io.in()[1], y = io.out()[0];
        if (!io.allFloat32() || io.namedOutputs() != 1 || x == null || w == null || y == null || x.length != 4
                || w.length != 4 || y.length != 4 || node.hasAttr("output_shape") || !MatrixOps.fits(device)) {
            return null;
        }
        String auto = node.attrString("auto_pad", "NOTSET");
        if (!auto.equals("NOTSET") && !auto.equals("VALID")) return null;
        ClActivation act = FusedOpSpec.is(node, FusedOpSpec.FUSED_CONV_TRANSPOSE) ? ClActivation.ofFused(node)
                : ClActivation.NONE;
        if (act == null) return null;
        long[] s = node.attrInts("strides", new long[] {1, 1}), d = node.attrInts("dilations", new long[] {1, 1});
        long[] pads = auto.equals("VALID") ? new long[4] : node.attrInts("pads", new long[4]);
        long[] op = node.attrInts("output_padding", new long[2]);
        long group = node.attrInt("group", 1);
        if (s.length != 2 || d.length != 2 || pads.length != 4 || op.length != 2 || group <= 0 || x[1] != w[0]
                || x[1] % group != 0 || y[1] != w[1] * group) {
            return null;
        }
        for (int i = 0; i < 2; i++) {
            long expect = s[i] * (x[2 + i] - 1) + op[i] + (w[2 + i] - 1) * d[i] + 1 - pads[i] - pads[i + 2];
            if (expect != y[2 + i]) return null;
        }
        int[] geo = {(int) x[0], (int) x[1], (int) x[2], (int) x[3], (int) y[1], (int) y[2], (int) y[3], (int) w[2],
                (int) w[3], (int) s[0], (int) s[1], (int) pads[0], (int) pads[1], (int) d[0], (int) d[1], (int) group};
        Tensor weights = ctx.constant(1), bias = node.hasInput(2) ? ctx.constant(2) : null;
        boolean hasBias = node.hasInput(2);
        return ClTunable.tactic("conv-transpose", problem(geo), device.info(), tiling -> new ClOp(device) {
            private final cl_mem geoMem = ints(geo);
            private final cl_mem wMem = weights == null ? null : floats(weights);
            private final cl_mem bMem = bias == null ? null : floats(bias);
            private final ClKernel kernel = device.tiledKernel("conv_transpose2d", tiling);

            {
                if (wMem != null) hold(1);
                if (bMem != null) hold(2);
            }

            @Override
            void run(KernelContext c, OpenClMemory mem) {
                Tensor out = c.output(0, DType.FLOAT32, y);
                List<Object> args = new ArrayList<>();
                tensor(args, mem, c.tensor(0));
                if (wMem != null) {
                    args.add(wMem);
                    args.add(0L);
                } else {
                    tensor(args, mem, c.tensor(1));
                }
                tensor(args, mem, out);
                if (bMem != null) {
                    args.add(bMem);
                    args.add(0L);
                } else {
                    tensor(args, mem, hasBias ? c.tensor(2) : out);
                }
                args.add(hasBias ? 1 : 0);
                args.add(geoMem);
                args.addAll(List.of(act.id(), act.p0(), act.p1()));
                long cols = (long) geo[0] * geo[5] * geo[6], rows = geo[4] / geo[15];
                kernel.launch(tiling.global(rows, cols, geo[15]), tiling.local(), args.toArray());
            }
        });
    }
}
