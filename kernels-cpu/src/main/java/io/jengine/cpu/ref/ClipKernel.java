package io.jengine.cpu.ref;

import static io.jengine.cpu.ref.KernelSupport.optionalTensor;
import static io.jengine.cpu.ref.KernelSupport.tensor;

import io.jengine.tensor.Value;
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

    private static int compare(long a, long b, boolean unsigned) {
        return unsigned ? Long.compareUnsigned(a, b) : Long.compare(a, b);
    }

    private static Tensor clip(Tensor x, double lo, double hi, Tensor loT, Tensor hiT) {
        for (Tensor b : new Tensor[] {loT, hiT}) {
            if (b != null && b.dtype() != x.dtype()) {
                throw new IllegalArgumentException("min and max must have the input's type " + x.dtype() + ", got " + b.dtype());
            }
        }
        Tensor out = Tensor.allocate(x.dtype(), x.shape());
        if (x.dtype().isFloatingPoint()) {
            double l = loT == null ? lo : KernelSupport.scalarDouble(loT), h = hiT == null ? hi : KernelSupport.scalarDouble(hiT);
            for (long i = 0; i < x.size(); i++) {
                double v = x.getDouble(i);
                out.setDouble(i, Double.isNaN(v) ? v : Math.min(Math.max(v, l), h));
            }
        } else {
            if (x.dtype() == DType.STRING || x.dtype() == DType.BOOL) {
                throw new IllegalArgumentException("input 0 has unsupported element type " + x.dtype());
            }
            // uint64 elements above 2^63 read as negative longs: compare them unsigned.
            boolean unsigned = x.dtype() == DType.UINT64;
            for (long i = 0; i < x.size(); i++) {
                long v = x.getLong(i);
                if (loT != null && compare(v, KernelSupport.scalarLong(loT), unsigned) < 0) v = loT.getLong(0);
                if (hiT != null && compare(v, KernelSupport.scalarLong(hiT), unsigned) > 0) v = hiT.getLong(0);
                out.setLong(i, v);
            }
        }
        return out;
    }
}
