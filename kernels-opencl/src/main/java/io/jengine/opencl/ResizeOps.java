package io.jengine.opencl;

import io.jengine.ir.Node;
import io.jengine.spi.KernelContext;
import io.jengine.spi.NodeContext;
import io.jengine.tensor.DType;
import io.jengine.tensor.Shapes;
import io.jengine.tensor.Tensor;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.jocl.cl_mem;

/**
 * Resize (opset 11 on) of float32 NCHW over H and W, nearest or linear, without antialiasing or cropping. The input
 * coordinates, rounding and clamping follow the ONNX specification; they are computed on the host in double
 * precision once per plan, so the device kernel only gathers and weighs two taps per axis.
 */
final class ResizeOps {
    private ResizeOps() {}

    static Supplier<ClOp> resize(NodeContext ctx, Io io, OpenClDevice device) {
        Node node = ctx.node();
        long[] x = io.in()[0], y = io.out()[0];
        if (ctx.opsetVersion() < 11 || io.inTypes()[0] != DType.FLOAT32 || io.outTypes()[0] != DType.FLOAT32 || x == null || y == null || x.length != 4 || y.length != 4
                || io.namedOutputs() != 1 || x[0] != y[0] || x[1] != y[1] || node.hasAttr("axes")
                || node.attrInt("exclude_outside", 0) != 0
                || !node.attrString("keep_aspect_ratio_policy", "stretch").equals("stretch")) {
            return null;
        }
        String mode = node.attrString("mode", "nearest");
        if (!mode.equals("nearest") && !mode.equals("linear")) return null;
        String coord = node.attrString("coordinate_transformation_mode", "half_pixel");
        String rounding = node.attrString("nearest_mode", "round_prefer_floor");
        double[] scale = {(double) y[2] / x[2], (double) y[3] / x[3]};
        if (node.hasInput(2) && io.in()[2] != null && Shapes.size(io.in()[2]) > 0) {
            Tensor s = ctx.constant(2);
            if (s == null || s.size() != 4 || s.getDouble(0) != 1 || s.getDouble(1) != 1) return null;
            scale = new double[] {s.getDouble(2), s.getDouble(3)};
        }
        boolean linear = mode.equals("linear");
        if (linear && node.attrInt("antialias", 0) != 0 && (scale[0] < 1 || scale[1] < 1)) return null;
        Taps h = taps(coord, rounding, linear, scale[0], x[2], y[2]);
        Taps w = taps(coord, rounding, linear, scale[1], x[3], y[3]);
        if (h == null || w == null) return null;
        long planes = x[0] * x[1], n = Shapes.size(y);
        return () -> new ClOp(device) {
            private final cl_mem hi = ints(h.index()), hwMem = floatsOf(h.weight());
            private final cl_mem wi = ints(w.index()), wwMem = floatsOf(w.weight());
            private final ClKernel kernel = device.kernel("resize2d", "pool.cl");

            private cl_mem floatsOf(float[] v) {
                ByteBuffer b = ByteBuffer.allocate(Math.max(4, v.length * 4)).order(ByteOrder.nativeOrder());
                for (float f : v) b.putFloat(f);
                return constantBytes(b.array());
            }

            @Override
            void run(KernelContext c, OpenClMemory mem) {
                List<Object> args = new ArrayList<>();
                tensor(args, mem, c.tensor(0));
                tensor(args, mem, c.output(0, DType.FLOAT32, y));
                args.addAll(List.of(planes, (int) x[2], (int) x[3], (int) y[2], (int) y[3], hi, hwMem, wi, wwMem));
                kernel.launch(new long[] {n}, new long[] {64}, args.toArray());
            }
        };
    }

    /** Two taps per output coordinate: clamped input indices and their weights. */
    record Taps(int[] index, float[] weight) {}

    static Taps taps(String coord, String rounding, boolean linear, double scale, long in, long out) {
        int[] idx = new int[(int) (2 * out)];
        float[] wt = new float[(int) (2 * out)];
        double outWidth = scale * in;
        for (int o = 0; o < out; o++) {
            double xo = switch (coord) {
                case "half_pixel" -> (o + 0.5) / scale - 0.5;
                case "half_pixel_symmetric" -> in / 2.0 * (1 - out / outWidth) + (o + 0.5) / scale - 0.5;
                case "pytorch_half_pixel" -> outWidth == 1 ? -0.5 : (o + 0.5) / scale - 0.5;
                case "align_corners" -> outWidth == 1 ? 0 : o * (in - 1) / (outWidth - 1);
                case "asymmetric" -> o / scale;
                case "tf_half_pixel_for_nn" -> (o + 0.5) / scale;
                default -> Double.NaN;
            };
            if (Double.isNaN(xo)) return null;
            double fl = Math.floor(xo);
            if (!linear) {
                long i;
                if (xo == fl) {
                    i = (long) fl;
                } else {
                    double ratio = xo - fl;
                    i = switch (rounding) {
                        case "round_prefer_floor" -> ratio <= 0.5 ? (long) fl : (long) fl + 1;
                        case "round_prefer_ceil" -> ratio < 0.5 ? (long) fl : (long) fl + 1;
                        case "floor" -> (long) fl;
                        case "ceil" -> (long) fl + 1;
                        default -> Long.MIN_VALUE;
                    };
                    if (i == Long.MIN_VALUE) return null;
                }
                idx[2 * o] = idx[2 * o + 1] = clamp(i, in);
                wt[2 * o] = 1;
                wt[2 * o + 1] = 0;
            } else {
                long base = xo == fl ? (long) fl - 1 : (long) fl;
                double ratio = xo - base;
                idx[2 * o] = clamp(base, in);
                idx[2 * o + 1] = clamp(base + 1, in);
                wt[2 * o] = (float) (1 - ratio);
                wt[2 * o + 1] = (float) ratio;
            }
        }
        return new Taps(idx, wt);
    }

    private static int clamp(long i, long n) { return (int) Math.max(0, Math.min(n - 1, i)); }
}
