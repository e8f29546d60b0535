package io.jengine.cpu.ref;

import io.jengine.runtime.Value;
import io.jengine.spi.KernelRegistry;
import io.jengine.tensor.Shapes;
import io.jengine.tensor.Tensor;

/**
 * Softmax, LogSoftmax and Hardmax. Before opset 13 the input is viewed as 2-D [prod(dims before axis), prod(rest)]
 * and each row is normalized (default axis 1); from opset 13 only the one axis is normalized (default -1).
 */
final class SoftmaxKernels {
    private SoftmaxKernels() {}

    private enum Kind { SOFTMAX, LOG_SOFTMAX, HARDMAX }

    static void register(KernelRegistry r) {
        for (Kind k : Kind.values()) {
            String name = switch (k) {
                case SOFTMAX -> "Softmax";
                case LOG_SOFTMAX -> "LogSoftmax";
                case HARDMAX -> "Hardmax";
            };
            r.add(name, 1, ctx -> {
                boolean coerce = ctx.opsetVersion() < 13;
                long axisAttr = ctx.node().attrInt("axis", coerce ? 1 : -1);
                return (c, in) -> {
                    Tensor x = KernelSupport.tensor(in, 0);
                    long[] shape = x.shape();
                    int axis = Shapes.normalizeAxis(axisAttr, shape.length);
                    long len = 1;
                    long inner = 1;
                    if (coerce) {
                        for (int d = axis; d < shape.length; d++) len *= shape[d];
                    } else {
                        len = shape.length == 0 ? 1 : shape[axis];
                        for (int d = axis + 1; d < shape.length; d++) inner *= shape[d];
                    }
                    Tensor out = Tensor.allocate(x.dtype(), shape);
                    long outer = len * inner == 0 ? 0 : x.size() / (len * inner);
                    for (long o = 0; o < outer; o++) {
                        for (long i = 0; i < inner; i++) apply(k, x, out, o * len * inner + i, inner, len);
                    }
                    return new Value[] {out};
                };
            });
        }
    }

    /** Normalizes the {@code len} elements starting at {@code base}, {@code stride} apart. */
    private static void apply(Kind k, Tensor x, Tensor out, long base, long stride, long len) {
        double max = Double.NEGATIVE_INFINITY;
        long arg = 0;
        for (long j = 0; j < len; j++) {
            double v = x.getDouble(base + j * stride);
            if (v > max || (j == 0)) {
                if (j == 0 || v > max) {
                    max = v;
                    arg = j;
                }
            }
        }
        if (k == Kind.HARDMAX) {
            for (long j = 0; j < len; j++) out.setDouble(base + j * stride, j == arg ? 1 : 0);
            return;
        }
        double sum = 0;
        for (long j = 0; j < len; j++) sum += Math.exp(x.getDouble(base + j * stride) - max);
        for (long j = 0; j < len; j++) {
            double shifted = x.getDouble(base + j * stride) - max;
            out.setDouble(base + j * stride, k == Kind.SOFTMAX ? Math.exp(shifted) / sum : shifted - Math.log(sum));
        }
    }
}
