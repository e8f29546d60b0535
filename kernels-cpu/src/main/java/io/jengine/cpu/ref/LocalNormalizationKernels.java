package io.jengine.cpu.ref;

import io.jengine.runtime.Value;
import io.jengine.spi.KernelRegistry;
import io.jengine.tensor.Shapes;
import io.jengine.tensor.Tensor;

/** LpNormalization, MeanVarianceNormalization and LRN: normalizations over an axis set or a channel window. */
final class LocalNormalizationKernels {
    private LocalNormalizationKernels() {}

    static void register(KernelRegistry r) {
        r.add("LpNormalization", 1, ctx -> {
            long axisAttr = ctx.node().attrInt("axis", -1);
            long p = ctx.node().attrInt("p", 2);
            if (p != 1 && p != 2) throw new IllegalArgumentException("attribute p must be 1 or 2, got " + p);
            return (c, in) -> {
                Tensor x = KernelSupport.tensor(in, 0);
                int axis = Shapes.normalizeAxis(axisAttr, x.rank());
                Tensor norm = ReductionKernels.reduce(x, new long[] {axis}, true,
                        p == 1 ? ReductionKernels.Op.L1 : ReductionKernels.Op.L2);
                long[] idx = KernelSupport.broadcastIndex(norm.shape(), x.shape());
                Tensor out = Tensor.allocate(x.dtype(), x.shape());
                for (int i = 0; i < idx.length; i++) {
                    double nv = norm.getDouble(idx[i]);
                    out.setDouble(i, nv == 0 ? 0 : x.getDouble(i) / nv);
                }
                norm.close();
                return new Value[] {out};
            };
        });
        r.add("MeanVarianceNormalization", 1, ctx -> {
            long[] axes = ctx.node().attrInts("axes", new long[] {0, 2, 3});
            return (c, in) -> {
                Tensor x = KernelSupport.tensor(in, 0);
                Tensor mean = ReductionKernels.reduce(x, axes, true, ReductionKernels.Op.MEAN);
                long[] idx = KernelSupport.broadcastIndex(mean.shape(), x.shape());
                Tensor sq = Tensor.allocate(io.jengine.tensor.DType.FLOAT64, x.shape());
                for (int i = 0; i < idx.length; i++) {
                    double d = x.getDouble(i) - mean.getDouble(idx[i]);
                    sq.setDouble(i, d * d);
                }
                Tensor var = ReductionKernels.reduce(sq, axes, true, ReductionKernels.Op.MEAN);
                Tensor out = Tensor.allocate(x.dtype(), x.shape());
                for (int i = 0; i < idx.length; i++) {
                    double d = x.getDouble(i) - mean.getDouble(idx[i]);
                    out.setDouble(i, d / (Math.sqrt(var.getDouble(idx[i])) + 1e-9));
                }
                mean.close();
                sq.close();
                var.close();
                return new Value[] {out};
            };
        });
        r.add("LRN", 1, ctx -> {
            double alpha = ctx.node().attrFloat("alpha", 1e-4f);
            double beta = ctx.node().attrFloat("beta", 0.75f);
            double bias = ctx.node().attrFloat("bias", 1f);
            long size = ctx.node().attrInt("size", 0);
            if (size <= 0) throw new IllegalArgumentException("attribute size must be positive, got " + size);
            return (c, in) -> {
                Tensor x = KernelSupport.tensor(in, 0);
                long n = x.dim(0);
                long ch = x.dim(1);
                long inner = x.size() / Math.max(1, n * ch);
                long lo = (size - 1) / 2;
                long hi = (size - 1) - lo;
                Tensor out = Tensor.allocate(x.dtype(), x.shape());
                for (long b = 0; b < n; b++) {
                    for (long cc = 0; cc < ch; cc++) {
                        for (long i = 0; i < inner; i++) {
                            double s = 0;
                            for (long k = Math.max(0, cc - lo); k <= Math.min(ch - 1, cc + hi); k++) {
                                double v = x.getDouble((b * ch + k) * inner + i);
                                s += v * v;
                            }
                            long idx = (b * ch + cc) * inner + i;
                            out.setDouble(idx, x.getDouble(idx) / Math.pow(bias + alpha / size * s, beta));
                        }
                    }
                }
                return new Value[] {out};
            };
        });
    }
}
