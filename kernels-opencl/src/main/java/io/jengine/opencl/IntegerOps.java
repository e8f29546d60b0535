package io.jengine.opencl;

import static io.jengine.ir.FusedOpSpec.*;

import io.jengine.ir.Node;
import io.jengine.spi.GemmProblem;
import io.jengine.spi.KernelContext;
import io.jengine.spi.NodeContext;
import io.jengine.spi.Tactic;
import io.jengine.tensor.DType;
import io.jengine.tensor.Shapes;
import io.jengine.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import org.jocl.cl_mem;

/**
 * The engine's integer layers on the device ({@code gemm.cl}'s qconv2d and qgemm, tiled and tuned as the float ones):
 * QuantizedConv and QuantizedMatMul with uint8 / int8 sources and constant int8 weights, summed exactly in int, scaled,
 * biased, with the residual (float32 or codes) and activation, written as float32 or requantized to codes as
 * QuantizeLinear does. Scales and zero points must be constants (they are the model's); a blocked layout is left to
 * the host.
 */
final class IntegerOps {
    private IntegerOps() {}

    /** 1: float32, 2: uint8 codes, 3: int8 codes, as the kernels number a value's kind; -1 for anything else. */
    static int kind(DType t) {
        if (t == DType.FLOAT32) return 1;
        if (t == DType.UINT8) return 2;
        return t == DType.INT8 ? 3 : -1;
    }

    private static boolean codes(DType t) { return t == DType.UINT8 || t == DType.INT8; }

    /** A constant single value of the node's input {@code i}, or NaN when it is not one. */
    private static double scalar(NodeContext ctx, int i) {
        Tensor t = ctx.node().hasInput(i) ? ctx.constant(i) : null;
        return t == null || t.size() != 1 ? Double.NaN : t.getDouble(0);
    }

    /**
     * Per output channel {@code scale * w_scale[c]} (w_scale one value or {@code count}), or null when w_scale is not a
     * constant of that size.
     */
    private static float[] channelScales(NodeContext ctx, int wScale, double scale, int count) {
        Tensor ws = ctx.constant(wScale);
        if (ws == null || ws.dtype() != DType.FLOAT32 || (ws.size() != 1 && ws.size() != count)) return null;
        float[] s = new float[count];
        for (int c = 0; c < count; c++) s[c] = (float) (scale * ws.getDouble(ws.size() == 1 ? 0 : c));
        return s;
    }

    /** The output's kind, scale and zero point: float32 (1), or codes with constant y_scale and y_zero_point. */
    private record Output(int kind, float scale, float zero) {
        static Output of(NodeContext ctx, Io io, int yScale, int yZero) {
            Node n = ctx.node();
            int kind = IntegerOps.kind(io.outTypes()[0]);
            if (!n.hasInput(yScale)) return kind == 1 && !n.hasInput(yZero) ? new Output(1, 1, 0) : null;
            double s = scalar(ctx, yScale), z = scalar(ctx, yZero);
            if (kind < 2 || Double.isNaN(s) || Double.isNaN(z) || io.inTypes()[yZero] != io.outTypes()[0]) return null;
            return new Output(kind, (float) s, (float) z);
        }
    }

    static Tactic conv(NodeContext ctx, Io io, OpenClDevice device) {
        Node node = ctx.node();
        if (node.hasAttr(BLOCK) || io.namedOutputs() != 1) return null;
        long[] x = io.in()[QC_X], w = io.in()[QC_W], y = io.out()[0];
        DType xt = io.inTypes()[QC_X];
        Tensor weights = ctx.constant(QC_W);
        if (x == null || w == null || y == null || !codes(xt) || weights == null || weights.dtype() != DType.INT8) {
            return null;
        }
        ClActivation act = ClActivation.ofFused(node);
        int[] geo = ConvOps.geometry(node, x, w, y);
        double xScale = scalar(ctx, QC_X_SCALE), xZero = scalar(ctx, QC_X_ZERO);
        Output out = Output.of(ctx, io, QC_Y_SCALE, QC_Y_ZERO);
        if (act == null || geo == null || Double.isNaN(xScale) || Double.isNaN(xZero) || out == null
                || io.inTypes()[QC_X_ZERO] != xt) {
            return null;
        }
        float[] scales = channelScales(ctx, QC_W_SCALE, xScale, geo[4]);
        Tensor bias = node.hasInput(QC_B) ? ctx.constant(QC_B) : null;
        if (scales == null || (node.hasInput(QC_B) && (bias == null || bias.dtype() != DType.FLOAT32
                || bias.size() != geo[4]))) {
            return null;
        }
        int zKind = 0;
        float zScale = 1;
        int zZero = 0;
        if (node.hasInput(QC_RESIDUAL)) {
            zKind = kind(io.inTypes()[QC_RESIDUAL]);
            if (zKind < 0 || !java.util.Arrays.equals(io.in()[QC_RESIDUAL], y)) return null;
            if (zKind > 1) {
                double s = scalar(ctx, QC_Z_SCALE), z = scalar(ctx, QC_Z_ZERO);
                if (Double.isNaN(s) || Double.isNaN(z) || io.inTypes()[QC_Z_ZERO] != io.inTypes()[QC_RESIDUAL]) return null;
                zScale = (float) s;
                zZero = (int) z;
            }
        }
        String function = "qconv2d_" + (xt == DType.UINT8 ? "u8" : "s8");
        int residualKind = zKind, residualZero = zZero;
        float residualScale = zScale;
        int xz = (int) xZero;
        DType outType = io.outTypes()[0];
        return ClTunable.tactic("qconv", ConvOps.problem(geo), device.info(),
                tiling -> new IntegerKernel(device, tiling, function, weights, scales, bias, out, outType, y) {
            private final cl_mem geoMem = ints(geo);

            {
                // everything but the source and the residual was taken when prepared
                hold(QC_X_SCALE, QC_X_ZERO, QC_W, QC_W_SCALE, QC_B, QC_Y_SCALE, QC_Y_ZERO, QC_Z_SCALE, QC_Z_ZERO);
            }

            @Override
            void run(KernelContext c, OpenClMemory mem) {
                Tensor result = result(c);
                List<Object> args = leading(mem, c.tensor(QC_X), xz, result);
                tensor(args, mem, residualKind != 0 ? c.tensor(QC_RESIDUAL) : result);
                args.addAll(List.of(residualKind, residualScale, residualZero));
                args.add(geoMem);
                args.addAll(List.of(act.id(), act.p0(), act.p1()));
                long cols = (long) geo[0] * geo[5] * geo[6], rows = geo[4] / geo[15];
                kernel.launch(tiling.global(rows, cols, geo[15]), tiling.local(), args.toArray());
            }
        });
    }

    static Tactic matmul(NodeContext ctx, Io io, OpenClDevice device) {
        Node node = ctx.node();
        if (io.namedOutputs() != 1) return null;
        long[] a = io.in()[QM_A], b = io.in()[QM_B], y = io.out()[0];
        DType at = io.inTypes()[QM_A];
        Tensor weights = ctx.constant(QM_B);
        if (a == null || b == null || y == null || !codes(at) || weights == null || weights.dtype() != DType.INT8
                || b.length != 2 || a.length < 1) {
            return null;
        }
        int k = (int) b[0], n = (int) b[1];
        if (a[a.length - 1] != k || Shapes.size(y) % Math.max(1, n) != 0) return null;
        long rows = Shapes.size(a) / Math.max(1, k);
        if (rows * n != Shapes.size(y) || rows > Integer.MAX_VALUE) return null;
        ClActivation act = ClActivation.ofFused(node);
        double aScale = scalar(ctx, QM_A_SCALE), aZero = scalar(ctx, QM_A_ZERO);
        Output out = Output.of(ctx, io, QM_Y_SCALE, QM_Y_ZERO);
        if (act == null || Double.isNaN(aScale) || Double.isNaN(aZero) || out == null || io.inTypes()[QM_A_ZERO] != at) {
            return null;
        }
        float[] scales = channelScales(ctx, QM_B_SCALE, aScale, n);
        Tensor bias = node.hasInput(QM_BIAS) ? ctx.constant(QM_BIAS) : null;
        if (scales == null || (node.hasInput(QM_BIAS) && (bias == null || bias.dtype() != DType.FLOAT32 || bias.size() != n))) {
            return null;
        }
        String function = "qgemm_" + (at == DType.UINT8 ? "u8" : "s8");
        int m = (int) rows, az = (int) aZero;
        DType outType = io.outTypes()[0];
        GemmProblem problem = new GemmProblem(Math.max(1, m), Math.max(1, n), Math.max(1, k), 1, true, true, 0);
        return ClTunable.tactic("qgemm", problem, device.info(),
                tiling -> new IntegerKernel(device, tiling, function, weights, scales, bias, out, outType, y) {
            {
                hold(QM_A_SCALE, QM_A_ZERO, QM_B, QM_B_SCALE, QM_BIAS, QM_Y_SCALE, QM_Y_ZERO);
            }

            @Override
            void run(KernelContext c, OpenClMemory mem) {
                List<Object> args = leading(mem, c.tensor(QM_A), az, result(c));
                args.addAll(List.of(m, n, k, act.id(), act.p0(), act.p1()));
                kernel.launch(tiling.global(m, n, 1), tiling.local(), args.toArray());
            }
        });
    }

    /**
     * What both integer kernels hold (the weights as int8, each output channel's scale, the bias) and the arguments
     * they start with: the source's codes and zero point, the weights and scales, the output and how it is written,
     * the bias.
     */
    private abstract static class IntegerKernel extends ClOp {
        private final cl_mem weights, scales, bias;
        private final Output out;
        private final DType outType;
        private final long[] shape;
        final ClKernel kernel;

        IntegerKernel(OpenClDevice device, ClTiling tiling, String function, Tensor weights, float[] scales, Tensor bias,
                      Output out, DType outType, long[] shape) {
            super(device);
            this.weights = constantBytes(weights.data().toArray(java.lang.foreign.ValueLayout.JAVA_BYTE));
            this.scales = constantFloats(scales);
            this.bias = bias == null ? null : floats(bias);
            this.out = out;
            this.outType = outType;
            this.shape = shape;
            this.kernel = device.tiledKernel(function, tiling);
        }

        final Tensor result(KernelContext c) { return c.output(0, outType, shape); }

        final List<Object> leading(OpenClMemory mem, Tensor source, int zero, Tensor result) {
            List<Object> args = new ArrayList<>();
            tensor(args, mem, source);
            args.add(zero);
            args.addAll(List.of(weights, 0L, scales));
            tensor(args, mem, result);
            args.addAll(List.of(out.kind(), out.scale(), out.zero()));
            args.addAll(List.of(bias != null ? bias : scales, 0L, bias != null ? 1 : 0));
            return args;
        }
    }
}
