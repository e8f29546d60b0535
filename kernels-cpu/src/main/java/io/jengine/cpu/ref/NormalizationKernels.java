package io.jengine.cpu.ref;

import io.jengine.ir.Node;
import io.jengine.runtime.Value;
import io.jengine.spi.Kernel;
import io.jengine.spi.KernelRegistry;
import io.jengine.tensor.DType;
import io.jengine.tensor.Shapes;
import io.jengine.tensor.Tensor;

/** Batch/Instance/Layer/Group/RMS normalization; Lp, MVN and LRN are in {@link LocalNormalizationKernels}. */
final class NormalizationKernels {
    private NormalizationKernels() {}

    static void register(KernelRegistry r) {
        r.add("BatchNormalization", 1, ctx -> batchNorm(ctx.node()));
        r.add("InstanceNormalization", 1, ctx -> {
            double eps = ctx.node().attrFloat("epsilon", 1e-5f);
            return (c, in) -> {
                Tensor x = KernelSupport.tensor(in, 0);
                long ch = x.rank() > 1 ? x.dim(1) : 1;
                return new Value[] {groupNorm(x, ch, KernelSupport.tensor(in, 1), KernelSupport.tensor(in, 2), eps,
                        true)};
            };
        });
        r.add("GroupNormalization", 18, ctx -> {
            double eps = ctx.node().attrFloat("epsilon", 1e-5f);
            long groups = ctx.node().attrInt("num_groups", 0);
            boolean perChannel = ctx.opsetVersion() >= 21;
            if (groups <= 0) throw new IllegalArgumentException("attribute num_groups must be positive, got " + groups);
            return (c, in) -> new Value[] {groupNorm(KernelSupport.tensor(in, 0), groups, KernelSupport.tensor(in, 1),
                    KernelSupport.tensor(in, 2), eps, perChannel)};
        });
        r.add("LayerNormalization", 17, ctx -> layerNorm(ctx.node(), false));
        r.add("RMSNormalization", 23, ctx -> layerNorm(ctx.node(), true));
        LocalNormalizationKernels.register(r);
    }

    private static Kernel batchNorm(Node n) {
        double eps = n.attrFloat("epsilon", 1e-5f);
        double momentum = n.attrFloat("momentum", 0.9f);
        boolean training = n.attrInt("training_mode", 0) != 0;
        return (c, in) -> {
            Tensor x = KernelSupport.tensor(in, 0);
            Tensor scale = KernelSupport.tensor(in, 1);
            Tensor bias = KernelSupport.tensor(in, 2);
            Tensor mean = KernelSupport.tensor(in, 3);
            Tensor var = KernelSupport.tensor(in, 4);
            long ch = x.rank() > 1 ? x.dim(1) : 1;
            long inner = 1;
            for (int d = 2; d < x.rank(); d++) inner *= x.dim(d);
            long outer = x.size() / Math.max(1, ch * inner);
            double[] m = new double[(int) ch];
            double[] v = new double[(int) ch];
            double[] bm = new double[(int) ch];
            double[] bv = new double[(int) ch];
            for (int cc = 0; cc < ch; cc++) {
                if (training) {
                    double s = 0;
                    double sq = 0;
                    for (long o = 0; o < outer; o++) {
                        for (long i = 0; i < inner; i++) {
                            double val = x.getDouble((o * ch + cc) * inner + i);
                            s += val;
                            sq += val * val;
                        }
                    }
                    long cnt = outer * inner;
                    bm[cc] = s / cnt;
                    bv[cc] = sq / cnt - bm[cc] * bm[cc];
                    m[cc] = bm[cc];
                    v[cc] = bv[cc];
                } else {
                    m[cc] = mean.getDouble(cc);
                    v[cc] = var.getDouble(cc);
                }
            }
            Tensor out = Tensor.allocate(x.dtype(), x.shape());
            for (long o = 0; o < outer; o++) {
                for (int cc = 0; cc < ch; cc++) {
                    double k = scale.getDouble(cc) / Math.sqrt(v[cc] + eps);
                    for (long i = 0; i < inner; i++) {
                        long idx = (o * ch + cc) * inner + i;
                        out.setDouble(idx, (x.getDouble(idx) - m[cc]) * k + bias.getDouble(cc));
                    }
                }
            }
            Value[] res = new Value[c.node().outputs().size()];
            res[0] = out;
            if (training && res.length > 1) {
                Tensor rm = Tensor.allocate(mean.dtype(), ch);
                Tensor rv = Tensor.allocate(var.dtype(), ch);
                for (int cc = 0; cc < ch; cc++) {
                    rm.setDouble(cc, mean.getDouble(cc) * momentum + bm[cc] * (1 - momentum));
                    rv.setDouble(cc, var.getDouble(cc) * momentum + bv[cc] * (1 - momentum));
                }
                res[1] = rm;
                if (res.length > 2) res[2] = rv;
            }
            return res;
        };
    }

    /**
     * Normalizes each of {@code groups} channel groups per sample. Scale and bias are per channel when
     * {@code perChannel}, else per group (GroupNormalization-18).
     */
    static Tensor groupNorm(Tensor x, long groups, Tensor scale, Tensor bias, double eps, boolean perChannel) {
        long n = x.dim(0);
        long ch = x.rank() > 1 ? x.dim(1) : 1;
        if (ch % groups != 0) {
            throw new IllegalArgumentException("channels " + ch + " are not divisible by num_groups " + groups);
        }
        long inner = x.size() / Math.max(1, n * ch);
        long perGroup = ch / groups;
        Tensor out = Tensor.allocate(x.dtype(), x.shape());
        for (long b = 0; b < n; b++) {
            for (long g = 0; g < groups; g++) {
                long base = (b * ch + g * perGroup) * inner;
                long cnt = perGroup * inner;
                double s = 0;
                for (long i = 0; i < cnt; i++) s += x.getDouble(base + i);
                double mean = s / cnt;
                double sq = 0;
                for (long i = 0; i < cnt; i++) {
                    double d = x.getDouble(base + i) - mean;
                    sq += d * d;
                }
                double inv = 1 / Math.sqrt(sq / cnt + eps);
                for (long i = 0; i < cnt; i++) {
                    long channel = g * perGroup + i / inner;
                    long p = perChannel ? channel : g;
                    out.setDouble(base + i, (x.getDouble(base + i) - mean) * inv * scale.getDouble(p)
                            + bias.getDouble(p));
                }
            }
        }
        return out;
    }

    /** LayerNormalization (and RMSNormalization: no mean subtraction, no bias) over dims from {@code axis} on. */
    private static Kernel layerNorm(Node node, boolean rms) {
        long axisAttr = node.attrInt("axis", -1);
        double eps = node.attrFloat("epsilon", 1e-5f);
        long stash = node.attrInt("stash_type", 1);
        return (c, in) -> {
            Tensor x = KernelSupport.tensor(in, 0);
            Tensor scale = KernelSupport.tensor(in, 1);
            Tensor bias = rms ? null : KernelSupport.optionalTensor(in, 2);
            int axis = Shapes.normalizeAxis(axisAttr, x.rank());
            long[] shape = x.shape();
            long[] normShape = java.util.Arrays.copyOfRange(shape, axis, shape.length);
            long len = Shapes.size(normShape);
            long outer = len == 0 ? 0 : x.size() / len;
            long[] sIdx = KernelSupport.broadcastIndex(scale.shape(), normShape);
            long[] bIdx = bias == null ? null : KernelSupport.broadcastIndex(bias.shape(), normShape);
            Tensor out = Tensor.allocate(x.dtype(), shape);
            long[] statShape = shape.clone();
            for (int d = axis; d < shape.length; d++) statShape[d] = 1;
            // stash_type 1 means statistics in float32; otherwise they follow the input type
            DType statType = stash == 1 ? DType.FLOAT32 : x.dtype();
            Tensor meanOut = Tensor.allocate(statType, statShape);
            Tensor invOut = Tensor.allocate(statType, statShape);
            for (long o = 0; o < outer; o++) {
                double s = 0;
                for (long i = 0; i < len; i++) s += x.getDouble(o * len + i);
                double mean = rms ? 0 : s / len;
                double sq = 0;
                for (long i = 0; i < len; i++) {
                    double d = x.getDouble(o * len + i) - mean;
                    sq += d * d;
                }
                double inv = 1 / Math.sqrt(sq / len + eps);
                for (long i = 0; i < len; i++) {
                    double v = (x.getDouble(o * len + i) - mean) * inv * scale.getDouble(sIdx[(int) i]);
                    if (bIdx != null) v += bias.getDouble(bIdx[(int) i]);
                    out.setDouble(o * len + i, v);
                }
                meanOut.setDouble(o, mean);
                invOut.setDouble(o, inv);
            }
            int outs = c.node().outputs().size();
            Value[] res = new Value[outs];
            res[0] = out;
            if (!rms && outs > 1 && c.node().hasOutput(1)) res[1] = meanOut;
            else meanOut.close();
            if (!rms && outs > 2 && c.node().hasOutput(2)) res[2] = invOut;
            else invOut.close();
            return res;
        };
    }
}
