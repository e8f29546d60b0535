package io.jengine.cpu.ref;

import io.jengine.ir.Node;
import io.jengine.runtime.Value;
import io.jengine.spi.KernelRegistry;
import io.jengine.tensor.Shapes;
import io.jengine.tensor.Tensor;

/** CumSum and CumProd: running sum/product along one axis, optionally exclusive and/or reversed. */
final class CumulativeKernels {
    private CumulativeKernels() {}

    static void register(KernelRegistry r) {
        r.add("CumSum", 11, ctx -> kernel(ctx.node(), false));
        r.add("CumProd", 1, ctx -> kernel(ctx.node(), true));
    }

    private static io.jengine.spi.Kernel kernel(Node n, boolean product) {
        boolean exclusive = n.attrInt("exclusive", 0) != 0;
        boolean reverse = n.attrInt("reverse", 0) != 0;
        return (c, in) -> {
            Tensor x = KernelSupport.tensor(in, 0);
            Tensor axisT = KernelSupport.tensor(in, 1);
            int axis = Shapes.normalizeAxis(KernelSupport.scalarLong(axisT), x.rank());
            long[] shape = x.shape();
            long len = shape.length == 0 ? 1 : shape[axis];
            long inner = 1;
            for (int d = axis + 1; d < shape.length; d++) inner *= shape[d];
            long outer = len * inner == 0 ? 0 : x.size() / (len * inner);
            Tensor out = Tensor.allocate(x.dtype(), shape);
            boolean integer = x.dtype().isInteger();
            for (long o = 0; o < outer; o++) {
                for (long i = 0; i < inner; i++) {
                    double accD = product ? 1 : 0;
                    long accL = product ? 1 : 0;
                    for (long k = 0; k < len; k++) {
                        long kk = reverse ? len - 1 - k : k;
                        long idx = (o * len + kk) * inner + i;
                        if (integer) {
                            if (exclusive) out.setLong(idx, accL);
                            accL = product ? accL * x.getLong(idx) : accL + x.getLong(idx);
                            if (!exclusive) out.setLong(idx, accL);
                        } else {
                            if (exclusive) out.setDouble(idx, accD);
                            accD = product ? accD * x.getDouble(idx) : accD + x.getDouble(idx);
                            if (!exclusive) out.setDouble(idx, accD);
                        }
                    }
                }
            }
            return new Value[] {out};
        };
    }
}
