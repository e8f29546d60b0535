package io.jengine.cpu.ref;

import static io.jengine.cpu.ref.KernelSupport.tensor;

import io.jengine.ir.Node;
import io.jengine.tensor.Value;
import io.jengine.spi.ValueKernel;
import io.jengine.tensor.Shapes;
import io.jengine.tensor.Tensor;
import java.util.Arrays;

/**
 * Col2Im: the inverse of im2col. Input {@code [N, C * prod(block_shape), L]} holds, for each of the L block
 * positions (row-major over the sliding grid), one column of C blocks; overlapping contributions are summed into
 * {@code [N, C, image_shape...]}.
 */
final class Col2Im {
    private Col2Im() {}

    static ValueKernel create(Node node) {
        return (ctx, in) -> {
            Tensor x = tensor(in, 0);
            long[] image = tensor(in, 1).toLongArray(), block = tensor(in, 2).toLongArray();
            int sp = image.length;
            if (block.length != sp) {
                throw new IllegalArgumentException("block_shape " + Arrays.toString(block) + " and image_shape "
                        + Arrays.toString(image) + " must have the same length");
            }
            long[] xs = x.shape();
            if (xs.length != 3) throw new IllegalArgumentException("input " + x.describe() + " must have rank 3");
            long[] strides = attr(node, "strides", sp, 1), dil = attr(node, "dilations", sp, 1);
            long[] pads = node.attrInts("pads", new long[2 * sp]);
            if (pads.length != 2 * sp) {
                throw new IllegalArgumentException("pads " + Arrays.toString(pads) + " must have " + 2 * sp + " entries");
            }
            long kVol = Shapes.size(block);
            if (kVol <= 0 || xs[1] % kVol != 0) {
                throw new IllegalArgumentException("input dimension 1 (" + xs[1] + ") is not a multiple of the block size "
                        + kVol);
            }
            long[] grid = new long[sp];
            for (int i = 0; i < sp; i++) {
                long span = (block[i] - 1) * dil[i] + 1;
                grid[i] = (image[i] + pads[i] + pads[i + sp] - span) / strides[i] + 1;
            }
            long blocks = Shapes.size(grid);
            if (blocks != xs[2]) {
                throw new IllegalArgumentException("input has " + xs[2] + " blocks, image_shape, block_shape, pads, "
                        + "strides and dilations give " + blocks);
            }
            long batch = xs[0], c = xs[1] / kVol, imgSize = Shapes.size(image);
            long[] outShape = new long[sp + 2];
            outShape[0] = batch;
            outShape[1] = c;
            System.arraycopy(image, 0, outShape, 2, sp);
            long[] kStr = Shapes.strides(block), gStr = Shapes.strides(grid), iStr = Shapes.strides(image);
            double[] xv = ConvKernels.doubles(x);
            double[] out = new double[Math.toIntExact(batch * c * imgSize)];
            for (long nc = 0; nc < batch * c; nc++) {
                for (long k = 0; k < kVol; k++) {
                    long row = (nc * kVol + k) * blocks;
                    for (long l = 0; l < blocks; l++) {
                        long off = 0;
                        boolean inside = true;
                        for (int t = 0; t < sp && inside; t++) {
                            long pos = (l / gStr[t]) % grid[t] * strides[t] - pads[t] + (k / kStr[t]) % block[t] * dil[t];
                            inside = pos >= 0 && pos < image[t];
                            off += pos * iStr[t];
                        }
                        if (inside) out[(int) (nc * imgSize + off)] += xv[(int) (row + l)];
                    }
                }
            }
            return new Value[] {Tensor.fromDoubles(x.dtype(), outShape, out)};
        };
    }

    private static long[] attr(Node node, String name, int n, long dflt) {
        long[] v = node.attrInts(name, null);
        if (v == null) {
            v = new long[n];
            Arrays.fill(v, dflt);
        }
        if (v.length != n) throw new IllegalArgumentException(name + " " + Arrays.toString(v) + " must have " + n + " entries");
        for (long e : v) if (e <= 0) throw new IllegalArgumentException(name + " must be positive, got " + Arrays.toString(v));
        return v;
    }
}
