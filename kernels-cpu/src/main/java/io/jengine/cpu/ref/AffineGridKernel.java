package io.jengine.cpu.ref;

import io.jengine.ir.Node;
import io.jengine.tensor.Value;
import io.jengine.spi.ExecutionContext;
import io.jengine.spi.ValueKernel;
import io.jengine.tensor.Tensor;

/**
 * ONNX AffineGrid: maps the normalised base grid of an (N, C, H, W) or (N, C, D, H, W) output through the affine
 * matrices theta (N, 2, 3) or (N, 3, 4), giving the sampling grid GridSample takes (last axis x, y[, z]).
 */
final class AffineGridKernel implements ValueKernel {
    private final boolean alignCorners;

    AffineGridKernel(Node node) { alignCorners = node.attrInt("align_corners", 0) != 0; }

    @Override
    public Value[] run(ExecutionContext ctx, Value[] inputs) {
        Tensor theta = KernelSupport.tensor(inputs, 0);
        long[] size = KernelSupport.tensor(inputs, 1).toLongArray();
        if (size.length != 4 && size.length != 5) {
            throw new IllegalArgumentException("size must list 4 (N, C, H, W) or 5 (N, C, D, H, W) dims, got "
                    + size.length);
        }
        int k = size.length - 2;
        if (!theta.dtype().isFloatingPoint() || theta.rank() != 3 || theta.dim(0) != size[0] || theta.dim(1) != k
                || theta.dim(2) != k + 1) {
            throw new IllegalArgumentException("theta must be a float tensor of shape (" + size[0] + ", " + k + ", "
                    + (k + 1) + "), got " + theta.describe());
        }
        long[] spatial = new long[k];
        for (int i = 0; i < k; i++) spatial[i] = size[i + 2];
        long[] outShape = new long[k + 2];
        outShape[0] = size[0];
        System.arraycopy(spatial, 0, outShape, 1, k);
        outShape[k + 1] = k;
        Tensor grid = Tensor.allocate(theta.dtype(), outShape);
        long points = 1;
        for (long d : spatial) points *= d;
        double[] base = new double[k + 1];
        int[] pos = new int[k];
        for (long n = 0; n < size[0]; n++) {
            java.util.Arrays.fill(pos, 0);
            for (long p = 0; p < points; p++) {
                // base holds (x, y[, z], 1): the innermost spatial axis is x.
                for (int i = 0; i < k; i++) base[i] = coordinate(pos[k - 1 - i], spatial[k - 1 - i]);
                base[k] = 1;
                for (int r = 0; r < k; r++) {
                    double v = 0;
                    for (int j = 0; j <= k; j++) v += theta.getDouble((n * k + r) * (k + 1) + j) * base[j];
                    grid.setDouble((n * points + p) * k + r, v);
                }
                for (int a = k - 1; a >= 0; a--) {
                    if (++pos[a] < spatial[a]) break;
                    pos[a] = 0;
                }
            }
        }
        return new Value[] {grid};
    }

    /**
     * Normalised [-1, 1] position of pixel {@code i} of {@code d}: pixel centres at the ends with align_corners (a
     * single pixel sits at -1, as ONNX and PyTorch place it), else pixel edges at the ends.
     */
    private double coordinate(int i, long d) {
        if (alignCorners) return d == 1 ? -1 : -1 + 2.0 * i / (d - 1);
        return (2.0 * i + 1) / d - 1;
    }
}
