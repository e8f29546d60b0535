package io.jengine.cpu.ref;

import static io.jengine.cpu.ref.KernelSupport.optionalTensor;
import static io.jengine.cpu.ref.KernelSupport.tensor;

import io.jengine.ir.Node;
import io.jengine.tensor.Value;
import io.jengine.spi.ValueKernel;
import io.jengine.tensor.Shapes;
import io.jengine.tensor.Tensor;
import java.util.Arrays;

/**
 * MaxUnpool: scatters X into zeros at the flat positions MaxPool's Indices output recorded. The indices address the
 * unpooled shape implied by kernel_shape, strides and pads; an explicit output_shape (which may be larger, to undo a
 * pool that dropped trailing rows) keeps each element's spatial coordinates and extends with zeros at the end.
 */
final class MaxUnpool {
    private MaxUnpool() {}

    static ValueKernel create(Node node) {
        long[] kernel = node.attrInts("kernel_shape", null);
        if (kernel == null) throw new IllegalArgumentException("attribute kernel_shape is required");
        int sp = kernel.length;
        long[] strides = node.attrInts("strides", null);
        long[] pads = node.attrInts("pads", new long[2 * sp]);
        if ((strides != null && strides.length != sp) || pads.length != 2 * sp) {
            throw new IllegalArgumentException("strides/pads must have " + sp + "/" + 2 * sp + " entries for kernel_shape "
                    + Arrays.toString(kernel));
        }
        return (ctx, in) -> {
            Tensor x = tensor(in, 0), idx = tensor(in, 1), shapeT = optionalTensor(in, 2);
            long[] xs = x.shape();
            if (xs.length != sp + 2) {
                throw new IllegalArgumentException("X " + x.describe() + " must have rank " + (sp + 2));
            }
            if (!Arrays.equals(idx.shape(), xs)) {
                throw new IllegalArgumentException("I " + idx.describe() + " must have the shape of X " + x.describe());
            }
            long[] implied = xs.clone();
            for (int i = 0; i < sp; i++) {
                long s = strides == null ? 1 : strides[i];
                implied[i + 2] = (xs[i + 2] - 1) * s + kernel[i] - pads[i] - pads[i + sp];
            }
            long[] outShape = shapeT == null ? implied : shapeT.toLongArray();
            if (outShape.length != xs.length || outShape[0] != xs[0] || outShape[1] != xs[1]) {
                throw new IllegalArgumentException("output_shape " + Arrays.toString(outShape) + " must be "
                        + xs.length + "-D with batch and channels of X " + x.describe());
            }
            long[] impliedStr = Shapes.strides(implied), outStr = Shapes.strides(outShape);
            long impliedSize = Shapes.size(implied);
            Tensor out = Tensor.allocate(x.dtype(), outShape);
            for (long e = 0; e < x.size(); e++) {
                long at = idx.getLong(e);
                if (at < 0 || at >= impliedSize) {
                    throw new IllegalArgumentException("index " + at + " in I is outside the unpooled shape "
                            + Shapes.format(implied));
                }
                long dst = 0;
                for (int t = 0; t < implied.length; t++) {
                    long coord = (at / impliedStr[t]) % implied[t];
                    if (coord >= outShape[t]) {
                        throw new IllegalArgumentException("index " + at + " falls outside output_shape "
                                + Arrays.toString(outShape));
                    }
                    dst += coord * outStr[t];
                }
                Elements.copy(x, e, out, dst);
            }
            return new Value[] {out};
        };
    }
}
