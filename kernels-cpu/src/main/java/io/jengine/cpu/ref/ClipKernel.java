package io.jengine.cpu.ref;

import static io.jengine.cpu.ref.KernelSupport.optionalTensor;
import static io.jengine.cpu.ref.KernelSupport.tensor;

import io.jengine.runtime.Value;
import io.jengine.spi.KernelRegistry;
import io.jengine.tensor.DType;
import io.jengine.tensor.Tensor;

/**
 * Clip: bounds from attributes (opset 6) or from optional scalar inputs (opset 11+). min(max(x, lo), hi), so a lower
 * bound above the upper one yields the upper bound everywhere, and NaN stays NaN.
 */
final class ClipKernel {
    private ClipKernel() {}

    static void register(KernelRegistry r) {
        r.add("Clip", 1, n -> {
            double lo = n.node().attrFloat("min", Float.NEGATIVE_INFINITY);
            double hi = n.node().attrFloat("max", Float.POSITIVE_INFINITY);
            return (ctx, in) -> new Value[] {clip(tensor(in, 0), lo, hi, null, null)};
        });
        r.add("Clip", 11, n -> (ctx, in) -> {
            Tensor x = tensor(in, 0), lo = optionalTensor(in, 1), hi = optionalTensor(in, 2);
            return new Value[] {clip(x, Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY, lo, hi)};
        });
    }

    private static Tensor clip(Tensor x, double lo, double hi, Tensor loT, Tensor hiT) {
        Tensor out = Tensor.allocate(x.dtype(), x.shape());
        if (x.dtype().isFloatingPoint()) {
            double l = loT == null ? lo : KernelSupport.scalarDouble(loT), h = hiT == null ? hi : KernelSupport.scalarDouble(hiT);
            for (long i = 0; i < x.size(); i++) {
                double v = x.getDouble(i);
                out.setDouble(i, Double.isNaN(v) ? v : Math.min(Math.max(v, l), h));
            }
        } else {
            // uint64 values at or above 2^63 are negative longs: compare them unsigned, with unsigned default bounds.
            boolean u64 = x.dtype() == DType.UINT64;
            long l = loT != null ? KernelSupport.scalarLong(loT) : u64 ? 0 : Long.MIN_VALUE;
            long h = hiT != null ? KernelSupport.scalarLong(hiT) : u64 ? -1L : Long.MAX_VALUE;
            for (long i = 0; i < x.size(); i++) {
                long v = x.getLong(i);
                if (u64) {
                    if (Long.compareUnsigned(v, l) < 0) v = l;
                    if (Long.compareUnsigned(v, h) > 0) v = h;
                } else {
                    v = Math.min(Math.max(v, l), h);
                }
                out.setLong(i, v);
            }
        }
        return out;
    }
}
