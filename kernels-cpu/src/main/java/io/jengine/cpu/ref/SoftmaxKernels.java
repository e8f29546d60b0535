package io.jengine.cpu.ref;

import static io.jengine.cpu.ref.KernelSupport.tensor;

import io.jengine.tensor.Value;
import io.jengine.spi.ValueKernel;
import io.jengine.spi.KernelRegistry;
import io.jengine.tensor.Shapes;
import io.jengine.tensor.Tensor;
import java.util.Arrays;

/**
 * Softmax, LogSoftmax and Hardmax (before opset 13 over the input flattened to 2-D at the axis, from 13 over one
 * axis), and CumSum / CumProd.
 */
final class SoftmaxKernels {
    private SoftmaxKernels() {}

    enum Kind { SOFTMAX, LOG_SOFTMAX, HARDMAX }

    static void register(KernelRegistry r) {
        for (Kind k : Kind.values()) {
            String name = switch (k) {
                case SOFTMAX -> "Softmax";
                case LOG_SOFTMAX -> "LogSoftmax";
                case HARDMAX -> "Hardmax";
            };
            r.add(name, 1, n -> kernel(k, n.node().attrInt("axis", 1), true));
            r.add(name, 13, n -> kernel(k, n.node().attrInt("axis", -1), false));
        }
        r.add("CumSum", 11, n -> cumulative(n.node().attrInt("exclusive", 0) != 0, n.node().attrInt("reverse", 0) != 0, false));
        r.add("CumProd", 26, n -> cumulative(n.node().attrInt("exclusive", 0) != 0, n.node().attrInt("reverse", 0) != 0, true));
    }

    private static ValueKernel kernel(Kind kind, long axisAttr, boolean coerce2d) {
        return (ctx, in) -> {
            Tensor x = tensor(in, 0);
            int axis = Shapes.normalizeAxis(axisAttr, x.rank());
            long[] s = x.shape();
            long outer, dim, inner;
            if (coerce2d) {
                outer = Shapes.size(Arrays.copyOfRange(s, 0, axis));
                dim = Shapes.size(Arrays.copyOfRange(s, axis, s.length));
                inner = 1;
            } else {
                outer = Shapes.size(Arrays.copyOfRange(s, 0, axis));
                dim = s[axis];
                inner = Shapes.size(Arrays.copyOfRange(s, axis + 1, s.length));
            }
            Tensor out = Tensor.allocate(x.dtype(), s);
            for (long o = 0; o < outer; o++) {
                for (long i = 0; i < inner; i++) {
                    long base = o * dim * inner + i;
                    double max = Double.NEGATIVE_INFINITY;
                    long arg = 0;
                    for (long j = 0; j < dim; j++) {
                        double v = x.getDouble(base + j * inner);
                        if (v > max || Double.isNaN(v)) { max = v; arg = j; }
                    }
                    if (kind == Kind.HARDMAX) {
                        out.setDouble(base + arg * inner, 1);
                        continue;
                    }
                    double sum = 0;
                    for (long j = 0; j < dim; j++) sum += Math.exp(x.getDouble(base + j * inner) - max);
                    for (long j = 0; j < dim; j++) {
                        double z = x.getDouble(base + j * inner) - max;
                        out.setDouble(base + j * inner, kind == Kind.SOFTMAX ? Math.exp(z) / sum : z - Math.log(sum));
                    }
                }
            }
            return new Value[] {out};
        };
    }

    private static ValueKernel cumulative(boolean exclusive, boolean reverse, boolean product) {
        return (ctx, in) -> {
            Tensor x = tensor(in, 0);
            int axis = Shapes.normalizeAxis(KernelSupport.scalarLong(tensor(in, 1)), x.rank());
            long[] s = x.shape();
            long dim = s[axis], inner = Shapes.size(Arrays.copyOfRange(s, axis + 1, s.length));
            long outer = Shapes.size(Arrays.copyOfRange(s, 0, axis));
            Tensor out = Tensor.allocate(x.dtype(), s);
            boolean floats = x.dtype().isFloatingPoint();
            for (long o = 0; o < outer; o++) {
                for (long i = 0; i < inner; i++) {
                    double acc = product ? 1 : 0;
                    long lacc = product ? 1 : 0;
                    for (long step = 0; step < dim; step++) {
                        long j = reverse ? dim - 1 - step : step;
                        long e = (o * dim + j) * inner + i;
                        if (exclusive) {
                            if (floats) out.setDouble(e, acc); else out.setLong(e, lacc);
                        }
                        if (floats) acc = product ? acc * x.getDouble(e) : acc + x.getDouble(e);
                        else lacc = product ? lacc * x.getLong(e) : lacc + x.getLong(e);
                        if (!exclusive) {
                            if (floats) out.setDouble(e, acc); else out.setLong(e, lacc);
                        }
                    }
                }
            }
            return new Value[] {out};
        };
    }
}
