package io.jengine.cpu.ref;

import static io.jengine.cpu.ref.KernelSupport.optionalTensor;
import static io.jengine.cpu.ref.KernelSupport.tensor;

import io.jengine.tensor.Value;
import io.jengine.spi.KernelRegistry;
import io.jengine.tensor.DType;
import io.jengine.tensor.Shapes;
import io.jengine.tensor.Tensor;
import java.util.Arrays;

/**
 * BatchNormalization (inference, and training-mode statistics), InstanceNormalization, LayerNormalization,
 * GroupNormalization, RMSNormalization, LpNormalization, MeanVarianceNormalization, LRN.
 */
final class NormalizationKernels {
    private NormalizationKernels() {}

    static void register(KernelRegistry r) {
        r.add("BatchNormalization", 1, n -> {
            double eps = n.node().attrFloat("epsilon", 1e-5f), momentum = n.node().attrFloat("momentum", 0.9f);
            // Before opset 14 a node with the running-statistics outputs was in training mode; since then the attribute says.
            boolean training = n.opsetVersion() >= 14 ? n.node().attrInt("training_mode", 0) != 0
                    : n.node().outputs().size() > 1;
            return (ctx, in) -> batchNorm(tensor(in, 0), tensor(in, 1), tensor(in, 2), tensor(in, 3), tensor(in, 4),
                    eps, momentum, training);
        });
        r.add("InstanceNormalization", 1, n -> {
            double eps = n.node().attrFloat("epsilon", 1e-5f);
            return (ctx, in) -> {
                Tensor x = tensor(in, 0);
                long c = x.dim(1);
                return new Value[] {normalize(x, 2, eps, tensor(in, 1), tensor(in, 2), c)};
            };
        });
        r.add("LayerNormalization", 17, n -> {
            long axisAttr = n.node().attrInt("axis", -1);
            double eps = n.node().attrFloat("epsilon", 1e-5f);
            return (ctx, in) -> {
                Tensor x = tensor(in, 0);
                int axis = Shapes.normalizeAxis(axisAttr, x.rank());
                return layerNorm(x, axis, eps, tensor(in, 1), optionalTensor(in, 2), false);
            };
        });
        r.add("RMSNormalization", 23, n -> {
            long axisAttr = n.node().attrInt("axis", -1);
            double eps = n.node().attrFloat("epsilon", 1e-5f);
            return (ctx, in) -> {
                Tensor x = tensor(in, 0);
                int axis = Shapes.normalizeAxis(axisAttr, x.rank());
                return new Value[] {layerNorm(x, axis, eps, tensor(in, 1), null, true)[0]};
            };
        });
        r.add("GroupNormalization", 18, n -> {
            long groups = n.node().attrInt("num_groups", 0);
            if (groups <= 0) throw new IllegalArgumentException("attribute num_groups must be positive, got " + groups);
            double eps = n.node().attrFloat("epsilon", 1e-5f);
            boolean perChannel = n.opsetVersion() >= 21;
            return (ctx, in) -> new Value[] {groupNorm(tensor(in, 0), tensor(in, 1), tensor(in, 2), groups, eps, perChannel)};
        });
        r.add("LpNormalization", 1, n -> {
            long axisAttr = n.node().attrInt("axis", -1), p = n.node().attrInt("p", 2);
            if (p != 1 && p != 2) throw new IllegalArgumentException("attribute p must be 1 or 2, got " + p);
            return (ctx, in) -> {
                Tensor x = tensor(in, 0);
                int axis = Shapes.normalizeAxis(axisAttr, x.rank());
                long[] s = x.shape();
                long dim = s[axis], inner = Shapes.size(Arrays.copyOfRange(s, axis + 1, s.length));
                long outer = Shapes.size(Arrays.copyOfRange(s, 0, axis));
                Tensor out = Tensor.allocate(x.dtype(), s);
                for (long o = 0; o < outer; o++) {
                    for (long i = 0; i < inner; i++) {
                        double norm = 0;
                        for (long j = 0; j < dim; j++) {
                            double v = x.getDouble((o * dim + j) * inner + i);
                            norm += p == 1 ? Math.abs(v) : v * v;
                        }
                        if (p != 1) norm = Math.sqrt(norm);
                        for (long j = 0; j < dim; j++) {
                            long e = (o * dim + j) * inner + i;
                            out.setDouble(e, norm == 0 ? 0 : x.getDouble(e) / norm);
                        }
                    }
                }
                return new Value[] {out};
            };
        });
        r.add("MeanVarianceNormalization", 9, n -> {
            long[] axes = n.node().attrInts("axes", new long[] {0, 2, 3});
            return (ctx, in) -> {
                Tensor x = tensor(in, 0);
                Tensor mean = ReductionKernels.reduce(x, axes, true, ReductionKernels.Op.MEAN);
                Tensor out = Broadcasting.map(x.dtype(), (o, e, i) -> o.setDouble(e, x.getDouble(i[0]) - mean.getDouble(i[1])), x, mean);
                Tensor sq = Broadcasting.map(x.dtype(), (o, e, i) -> o.setDouble(e, out.getDouble(i[0]) * out.getDouble(i[0])), out);
                Tensor var = ReductionKernels.reduce(sq, axes, true, ReductionKernels.Op.MEAN);
                return new Value[] {Broadcasting.map(x.dtype(), (o, e, i) ->
                        o.setDouble(e, out.getDouble(i[0]) / (Math.sqrt(var.getDouble(i[1])) + 1e-9)), out, var)};
            };
        });
        r.add("LRN", 1, n -> {
            double alpha = n.node().attrFloat("alpha", 1e-4f), beta = n.node().attrFloat("beta", 0.75f);
            double bias = n.node().attrFloat("bias", 1f);
            long size = n.node().attrInt("size", 0);
            if (size <= 0) throw new IllegalArgumentException("attribute size must be a positive integer, got " + size);
            return (ctx, in) -> {
                Tensor x = tensor(in, 0);
                long[] s = x.shape();
                if (s.length < 2) {
                    throw new IllegalArgumentException("input 0 must be [N, C, ...], got " + Shapes.format(s));
                }
                long c = s[1], inner = Shapes.size(Arrays.copyOfRange(s, 2, s.length));
                Tensor out = Tensor.allocate(x.dtype(), s);
                long lo = (size - 1) / 2, hi = (size - 1) - lo;
                for (long b = 0; b < s[0]; b++) {
                    for (long ch = 0; ch < c; ch++) {
                        for (long i = 0; i < inner; i++) {
                            double sum = 0;
                            for (long k = Math.max(0, ch - lo); k <= Math.min(c - 1, ch + hi); k++) {
                                double v = x.getDouble((b * c + k) * inner + i);
                                sum += v * v;
                            }
                            long e = (b * c + ch) * inner + i;
                            out.setDouble(e, x.getDouble(e) / Math.pow(bias + alpha / size * sum, beta));
                        }
                    }
                }
                return new Value[] {out};
            };
        });
        LossKernels.register(r);
    }

    private static Value[] batchNorm(Tensor x, Tensor scale, Tensor bias, Tensor mean, Tensor var, double eps,
                                     double momentum, boolean training) {
        long[] s = x.shape();
        long c = s.length > 1 ? s[1] : 1, inner = Shapes.size(Arrays.copyOfRange(s, Math.min(2, s.length), s.length));
        long batch = s[0];
        double[] mu = new double[(int) c], sigma2 = new double[(int) c];
        if (training) {
            long count = batch * inner;
            for (long b = 0; b < batch; b++) for (long ch = 0; ch < c; ch++) for (long i = 0; i < inner; i++) {
                mu[(int) ch] += x.getDouble((b * c + ch) * inner + i) / count;
            }
            for (long b = 0; b < batch; b++) for (long ch = 0; ch < c; ch++) for (long i = 0; i < inner; i++) {
                double d = x.getDouble((b * c + ch) * inner + i) - mu[(int) ch];
                sigma2[(int) ch] += d * d / count;
            }
        } else {
            for (int ch = 0; ch < c; ch++) {
                mu[ch] = mean.getDouble(ch);
                sigma2[ch] = var.getDouble(ch);
            }
        }
        Tensor out = Tensor.allocate(x.dtype(), s);
        for (long b = 0; b < batch; b++) for (long ch = 0; ch < c; ch++) {
            double k = scale.getDouble(ch) / Math.sqrt(sigma2[(int) ch] + eps), off = bias.getDouble(ch);
            for (long i = 0; i < inner; i++) {
                long e = (b * c + ch) * inner + i;
                out.setDouble(e, (x.getDouble(e) - mu[(int) ch]) * k + off);
            }
        }
        if (!training) return new Value[] {out, null, null};
        Tensor runMean = Tensor.allocate(mean.dtype(), c), runVar = Tensor.allocate(var.dtype(), c);
        for (int ch = 0; ch < c; ch++) {
            runMean.setDouble(ch, mean.getDouble(ch) * momentum + mu[ch] * (1 - momentum));
            runVar.setDouble(ch, var.getDouble(ch) * momentum + sigma2[ch] * (1 - momentum));
        }
        return new Value[] {out, runMean, runVar};
    }

    /**
     * Normalises each of the leading {@code from} axes' slices over the remaining axes, then applies a per-channel
     * (axis 1) scale and bias.
     */
    private static Tensor normalize(Tensor x, int from, double eps, Tensor scale, Tensor bias, long channels) {
        long[] s = x.shape();
        long outer = Shapes.size(Arrays.copyOfRange(s, 0, from)), inner = Shapes.size(Arrays.copyOfRange(s, from, s.length));
        Tensor out = Tensor.allocate(x.dtype(), s);
        for (long o = 0; o < outer; o++) {
            double[] mv = meanVariance(x, o * inner, inner, true);
            double mean = mv[0], var = mv[1];
            long ch = o % channels;
            double k = scale.getDouble(ch) / Math.sqrt(var + eps), off = bias.getDouble(ch);
            for (long i = 0; i < inner; i++) out.setDouble(o * inner + i, (x.getDouble(o * inner + i) - mean) * k + off);
        }
        return out;
    }

    /** LayerNormalization (or RMS when {@code rms}): normalise over axes [axis, rank), broadcast scale and bias. */
    static Value[] layerNorm(Tensor x, int axis, double eps, Tensor scale, Tensor bias, boolean rms) {
        long[] s = x.shape();
        long outer = Shapes.size(Arrays.copyOfRange(s, 0, axis)), inner = Shapes.size(Arrays.copyOfRange(s, axis, s.length));
        long[] normShape = Arrays.copyOfRange(s, axis, s.length);
        long[] sIdx = KernelSupport.broadcastIndex(scale.shape(), normShape);
        long[] bIdx = bias == null ? null : KernelSupport.broadcastIndex(bias.shape(), normShape);
        Tensor out = Tensor.allocate(x.dtype(), s);
        long[] statShape = s.clone();
        for (int d = axis; d < s.length; d++) statShape[d] = 1;
        Tensor meanOut = Tensor.allocate(DType.FLOAT32, statShape), invOut = Tensor.allocate(DType.FLOAT32, statShape);
        for (long o = 0; o < outer; o++) {
            double[] mv = meanVariance(x, o * inner, inner, !rms);
            double mean = mv[0], var = mv[1];
            double inv = 1 / Math.sqrt(var + eps);
            meanOut.setDouble(o, mean);
            invOut.setDouble(o, inv);
            for (long i = 0; i < inner; i++) {
                double v = (x.getDouble(o * inner + i) - mean) * inv * scale.getDouble(sIdx[(int) i]);
                if (bias != null) v += bias.getDouble(bIdx[(int) i]);
                out.setDouble(o * inner + i, v);
            }
        }
        return new Value[] {out, meanOut, invOut};
    }

    private static Tensor groupNorm(Tensor x, Tensor scale, Tensor bias, long groups, double eps, boolean perChannel) {
        long[] s = x.shape();
        long batch = s[0], c = s[1], inner = Shapes.size(Arrays.copyOfRange(s, 2, s.length));
        if (c % groups != 0) throw new IllegalArgumentException(c + " channels cannot form " + groups + " groups");
        long want = perChannel ? c : groups;
        if (scale.size() != want || bias.size() != want) {
            throw new IllegalArgumentException("scale and bias must have " + want + " elements (one per "
                    + (perChannel ? "channel" : "group") + "), got " + scale.size() + " and " + bias.size());
        }
        long per = c / groups;
        Tensor out = Tensor.allocate(x.dtype(), s);
        for (long b = 0; b < batch; b++) {
            for (long g = 0; g < groups; g++) {
                long base = (b * c + g * per) * inner, count = per * inner;
                double[] mv = meanVariance(x, base, count, true);
                double mean = mv[0], var = mv[1];
                double inv = 1 / Math.sqrt(var + eps);
                for (long i = 0; i < count; i++) {
                    long ch = g * per + i / inner;
                    long p = perChannel ? ch : g;
                    out.setDouble(base + i, (x.getDouble(base + i) - mean) * inv * scale.getDouble(p) + bias.getDouble(p));
                }
            }
        }
        return out;
    }

    /**
     * Mean and (biased) variance of {@code count} consecutive elements from {@code offset}, two-pass for accuracy.
     * Without centering (RMS normalisation) the mean is taken as 0 and the "variance" is the mean square.
     */
    static double[] meanVariance(Tensor x, long offset, long count, boolean centered) {
        double mean = 0, var = 0;
        if (centered) {
            for (long i = 0; i < count; i++) mean += x.getDouble(offset + i);
            mean /= count;
        }
        for (long i = 0; i < count; i++) {
            double d = x.getDouble(offset + i) - mean;
            var += d * d;
        }
        return new double[] {mean, var / count};
    }
}
