package io.jengine.cpu.ref;

import io.jengine.ir.Node;
import io.jengine.tensor.Value;
import io.jengine.spi.ExecutionContext;
import io.jengine.spi.ValueKernel;
import io.jengine.tensor.Shapes;
import io.jengine.tensor.Tensor;

/**
 * ONNX GridSample: samples X (N, C, D1..Dk) at the normalised locations of grid (N, O1..Ok, k), whose last axis lists
 * the coordinates innermost-first (x = width, then y = height, ...). Opset 16 covers 4-D inputs with the mode names
 * bilinear / bicubic; opset 20 generalises to any k and renames them linear / cubic. Both spellings are accepted.
 * Border handling follows PyTorch's grid_sampler, which is what ONNX specifies.
 */
final class GridSampleKernel implements ValueKernel {
    private enum Padding { ZEROS, BORDER, REFLECTION }

    private static final double CUBIC_A = -0.75;

    private final ResizeInterpolation.Mode mode;
    private final Padding padding;
    private final boolean alignCorners;
    private final boolean anyRank;

    GridSampleKernel(Node node, boolean anyRank) {
        this.anyRank = anyRank;
        String m = node.attrString("mode", "linear");
        mode = ResizeInterpolation.parseMode(switch (m) {
            case "bilinear" -> "linear";
            case "bicubic" -> "cubic";
            default -> m;
        });
        padding = switch (node.attrString("padding_mode", "zeros")) {
            case "zeros" -> Padding.ZEROS;
            case "border" -> Padding.BORDER;
            case "reflection" -> Padding.REFLECTION;
            default -> throw new IllegalArgumentException("padding_mode must be zeros, border or reflection, got '"
                    + node.attrString("padding_mode", "") + "'");
        };
        alignCorners = node.attrInt("align_corners", 0) != 0;
    }

    @Override
    public Value[] run(ExecutionContext ctx, Value[] inputs) {
        Tensor x = KernelSupport.tensor(inputs, 0);
        Tensor grid = KernelSupport.tensor(inputs, 1);
        int k = x.rank() - 2;
        if (k < 1 || (!anyRank && k != 2)) {
            throw new IllegalArgumentException("X must be " + (anyRank ? "at least 3-D" : "4-D (N, C, H, W)")
                    + ", got " + x.describe());
        }
        if (grid.rank() != k + 2 || grid.dim(0) != x.dim(0) || grid.dim(k + 1) != k) {
            throw new IllegalArgumentException("grid must have shape (N, O1.." + "O" + k + ", " + k + ") with N = "
                    + x.dim(0) + ", got " + grid.describe());
        }
        long n = x.dim(0), c = x.dim(1);
        long[] dims = new long[k];
        for (int i = 0; i < k; i++) dims[i] = x.dim(i + 2);
        long[] outShape = new long[k + 2];
        outShape[0] = n;
        outShape[1] = c;
        for (int i = 0; i < k; i++) outShape[i + 2] = grid.dim(i + 1);
        Tensor y = Tensor.allocate(x.dtype(), outShape);
        long points = Shapes.size(outShape) / Math.max(1, n * c);
        long plane = Shapes.size(dims);
        long[] strides = Shapes.strides(dims);
        double[] coord = new double[k];
        for (long b = 0; b < n; b++) {
            for (long p = 0; p < points; p++) {
                long g = (b * points + p) * k;
                // The grid lists coordinates innermost axis first; coord[] is in X's axis order.
                for (int i = 0; i < k; i++) coord[k - 1 - i] = source(grid.getDouble(g + i), dims[k - 1 - i]);
                int[][] idx = new int[k][];
                double[][] w = new double[k][];
                for (int i = 0; i < k; i++) taps(coord[i], dims[i], idx, w, i);
                for (long ch = 0; ch < c; ch++) {
                    long base = (b * c + ch) * plane;
                    y.setDouble((b * c + ch) * points + p, gather(x, base, strides, idx, w, 0, 0, 1.0));
                }
            }
        }
        return new Value[] {y};
    }

    /** Un-normalises one grid value and applies border / reflection to the coordinate itself. */
    private double source(double v, long d) {
        double xs = alignCorners ? (v + 1) / 2 * (d - 1) : ((v + 1) * d - 1) / 2;
        double lo = alignCorners ? 0 : -0.5;
        double hi = alignCorners ? d - 1 : d - 0.5;
        if (mode == ResizeInterpolation.Mode.NEAREST) {
            // Half to even (nearbyint) in every rank: what the ONNX test data for 2-D and 3-D inputs was made with.
            xs = Math.rint(xs);
        }
        if (xs < lo || xs > hi) {
            if (padding == Padding.BORDER) xs = Math.max(0, Math.min(d - 1, xs));
            else if (padding == Padding.REFLECTION) xs = reflect(xs, lo, hi);
        }
        return xs;
    }

    private void taps(double xs, long d, int[][] idx, double[][] w, int axis) {
        if (mode == ResizeInterpolation.Mode.NEAREST) {
            idx[axis] = new int[] {index((long) xs, d)};
            w[axis] = new double[] {1};
            return;
        }
        double fl = Math.floor(xs);
        double t = xs - fl;
        long x0 = (long) fl;
        if (mode == ResizeInterpolation.Mode.LINEAR) {
            idx[axis] = new int[] {index(x0, d), index(x0 + 1, d)};
            w[axis] = new double[] {1 - t, t};
        } else {
            idx[axis] = new int[] {index(x0 - 1, d), index(x0, d), index(x0 + 1, d), index(x0 + 2, d)};
            w[axis] = new double[] {cubic(t + 1), cubic(t), cubic(1 - t), cubic(2 - t)};
        }
    }

    /** The input index read for integer position {@code i}; -1 means a zero from "zeros" padding. */
    private int index(long i, long d) {
        if (i >= 0 && i < d) return (int) i;
        return switch (padding) {
            case ZEROS -> -1;
            case BORDER -> (int) Math.max(0, Math.min(d - 1, i));
            case REFLECTION -> (int) reflect(i, alignCorners ? 0 : -0.5, alignCorners ? d - 1 : d - 0.5);
        };
    }

    /** Folds {@code v} back into [lo, hi] by repeated mirroring at the nearer border. */
    private static double reflect(double v, double lo, double hi) {
        double range = hi - lo;
        if (range <= 0) return lo;
        if (v < lo) {
            double dx = lo - v;
            long flips = (long) (dx / range);
            double r = dx - flips * range;
            return flips % 2 == 0 ? lo + r : hi - r;
        }
        if (v > hi) {
            double dx = v - hi;
            long flips = (long) (dx / range);
            double r = dx - flips * range;
            return flips % 2 == 0 ? hi - r : lo + r;
        }
        return v;
    }

    private static double cubic(double t) {
        double x = Math.abs(t);
        if (x <= 1) return ((CUBIC_A + 2) * x - (CUBIC_A + 3)) * x * x + 1;
        if (x < 2) return ((CUBIC_A * x - 5 * CUBIC_A) * x + 8 * CUBIC_A) * x - 4 * CUBIC_A;
        return 0;
    }

    private static double gather(Tensor x, long base, long[] strides, int[][] idx, double[][] w, int axis,
                                 long off, double weight) {
        if (axis == idx.length) return weight * x.getDouble(base + off);
        double sum = 0;
        for (int j = 0; j < idx[axis].length; j++) {
            if (idx[axis][j] < 0) continue;
            sum += gather(x, base, strides, idx, w, axis + 1, off + idx[axis][j] * strides[axis],
                    weight * w[axis][j]);
        }
        return sum;
    }
}
