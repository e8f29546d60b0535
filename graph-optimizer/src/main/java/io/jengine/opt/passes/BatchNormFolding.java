package io.jengine.opt.passes;

import io.jengine.ir.FusedOpSpec;
import io.jengine.ir.Attribute;
import io.jengine.ir.Node;
import io.jengine.tensor.ValueType;
import io.jengine.opt.GraphIndex;
import io.jengine.opt.GraphPass;
import io.jengine.opt.Patch;
import io.jengine.tensor.DType;
import io.jengine.tensor.Tensor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Optional;
import java.util.Set;

/**
 * An inference BatchNormalization after a Conv, ConvTranspose, Gemm or 2-D MatMul with constant weights folds into
 * that producer (the MatMul becoming a FusedMatMul with a bias): with k = scale / sqrt(var + eps), every output channel's weights are multiplied by k and its bias
 * becomes (bias - mean) * k + beta. The BatchNormalization disappears.
 */
public final class BatchNormFolding implements GraphPass {
    @Override
    public String name() { return "batchnorm-folding"; }

    @Override
    public Set<String> targets() { return Set.of("BatchNormalization"); }

    @Override
    public Optional<Patch> apply(Node bn, GraphIndex g) {
        BatchNormParams p = BatchNormParams.of(bn, g);
        if (p == null) return Optional.empty();
        String x = bn.inputs().getFirst();
        Node prod = g.producer(x);
        if (prod == null || !prod.domain().isEmpty() || !g.hasSingleUse(x)) return Optional.empty();
        return switch (prod.opType()) {
            case "Conv" -> conv(prod, bn, p, g, false);
            case "ConvTranspose" -> conv(prod, bn, p, g, true);
            case "Gemm" -> gemm(prod, bn, p, g);
            case "MatMul" -> matmul(prod, bn, p, g);
            default -> Optional.empty();
        };
    }

    private Optional<Patch> conv(Node conv, Node bn, BatchNormParams p, GraphIndex g, boolean transposed) {
        Tensor w = g.constant(conv.inputs().get(1));
        Tensor b = conv.hasInput(2) ? g.constant(conv.inputs().get(2)) : null;
        if (w == null || (conv.hasInput(2) && b == null) || !w.dtype().isFloatingPoint()) return Optional.empty();
        long[] ws = w.shape();
        long group = conv.attrInt("group", 1);
        long outChannels = transposed ? ws[1] * group : ws[0];
        if (outChannels != p.channels()) return Optional.empty();
        long perOut = w.size() / (ws[0] * ws[1]);
        double[] k = p.ks();
        // float32 weights, by far the common case, scaled as arrays in runs of one output channel: element by element
        // through the tensor API this pass was three quarters of optimizing ResNet-50, and runs of one kernel's few
        // taps kept the loop interpreted for most of a build. Staged through a buffer of whole runs: copying the
        // tensors to whole arrays and back cost two heap copies of the weights in fresh pages, and a copy per run
        // tens of thousands of calls early in a build.
        Tensor w2;
        long run = transposed ? perOut : ws[1] * perOut; // the weights one output channel's factor scales, in order
        if (w.dtype() == DType.FLOAT32 && run <= Integer.MAX_VALUE - 8) {
            w2 = Tensor.allocateUninitialized(DType.FLOAT32, ws);
            int runs = (int) Math.max(1, STAGED_FLOATS / run);
            float[] buf = new float[(int) Math.min(w.size(), runs * run)];
            for (long r0 = 0; r0 * run < w.size(); r0 += runs) {
                long at = r0 * run * Float.BYTES;
                int n = (int) Math.min(buf.length, w.size() - r0 * run);
                MemorySegment.copy(w.data(), ValueLayout.JAVA_FLOAT, at, buf, 0, n);
                for (int r = 0; r * run < n; r++) {
                    scale(buf, (int) (r * run), (int) run, k[(int) channelOfRun(r0 + r, ws, group, transposed)]);
                }
                MemorySegment.copy(buf, 0, w2.data(), ValueLayout.JAVA_FLOAT, at, n);
            }
        } else {
            w2 = Tensor.allocate(w.dtype(), ws);
            for (long e = 0; e < w.size(); e++) w2.setDouble(e, w.getDouble(e) * k[(int) channelOfRun(e / run, ws, group, transposed)]);
        }
        Tensor b2 = Tensor.allocate(w.dtype(), outChannels);
        for (long c = 0; c < outChannels; c++) b2.setDouble(c, ((b == null ? 0 : b.getDouble(c)) - p.mean(c)) * k[(int) c] + p.beta(c));
        String out = bn.outputs().getFirst();
        String wName = out + "/folded_weight", bName = out + "/folded_bias";
        Node fused = conv.toBuilder().name(FusedOps.joinNames(g, conv, bn))
                .inputs(conv.inputs().getFirst(), wName, bName).outputs(out).build();
        return Optional.of(new Patch().remove(conv).remove(bn).add(fused).initializer(wName, w2).initializer(bName, b2));
    }

    /** The output channel of run {@code r} of a weight tensor {@code ws} (see {@link #conv}). */
    private static long channelOfRun(long r, long[] ws, long group, boolean transposed) {
        if (!transposed) return r;
        long i0 = r / ws[1], i1 = r % ws[1];
        return (i0 / (ws[0] / group)) * ws[1] + i1;
    }

    private static void scale(float[] v, int from, int length, double k) {
        for (int j = from, end = from + length; j < end; j++) v[j] = (float) (v[j] * k);
    }

    /** The floats staged at a time (a quarter of a megabyte; at least one run). */
    private static final long STAGED_FLOATS = 1 << 16;

    private Optional<Patch> gemm(Node gemm, Node bn, BatchNormParams p, GraphIndex g) {
        Tensor bw = g.constant(gemm.inputs().get(1));
        Tensor c = gemm.hasInput(2) ? g.constant(gemm.inputs().get(2)) : null;
        if (bw == null || (gemm.hasInput(2) && c == null) || bw.rank() != 2 || !bw.dtype().isFloatingPoint()) {
            return Optional.empty();
        }
        boolean transB = gemm.attrInt("transB", 0) != 0;
        long n = transB ? bw.dim(0) : bw.dim(1);
        if (n != p.channels() || (c != null && c.size() != 1 && c.size() != n)) return Optional.empty();
        double[] k = p.ks();
        Tensor w2 = Tensor.allocate(bw.dtype(), bw.shape());
        for (long e = 0; e < bw.size(); e++) {
            long col = transB ? e / bw.dim(1) : e % bw.dim(1);
            w2.setDouble(e, bw.getDouble(e) * k[(int) col]);
        }
        double beta = gemm.attrFloat("beta", 1f);
        Tensor c2 = Tensor.allocate(bw.dtype(), n);
        for (long j = 0; j < n; j++) {
            double cv = c == null ? 0 : beta * c.getDouble(c.size() == 1 ? 0 : j);
            c2.setDouble(j, (cv - p.mean(j)) * p.k(j) + p.beta(j));
        }
        String out = bn.outputs().getFirst();
        String wName = out + "/folded_weight", cName = out + "/folded_bias";
        Node fused = gemm.toBuilder().name(FusedOps.joinNames(g, gemm, bn))
                .inputs(gemm.inputs().getFirst(), wName, cName).outputs(out).attr(Attribute.of("beta", 1f)).build();
        return Optional.of(new Patch().remove(gemm).remove(bn).add(fused).initializer(wName, w2).initializer(cName, c2));
    }

    /**
     * A 2-D MatMul ([M, K] x constant [K, N]) feeding the BatchNormalization, whose channels are then its N columns:
     * the scaled weights and the new bias make a FusedMatMul with a bias input.
     */
    private Optional<Patch> matmul(Node mm, Node bn, BatchNormParams p, GraphIndex g) {
        Tensor w = g.constant(mm.inputs().get(1));
        if (w == null || w.rank() != 2 || w.dim(1) != p.channels() || !w.dtype().isFloatingPoint()) return Optional.empty();
        if (!(g.type(mm.outputs().getFirst()) instanceof ValueType.TensorType t) || t.shape() == null || t.shape().rank() != 2) {
            return Optional.empty();
        }
        long n = w.dim(1);
        Tensor w2 = Tensor.allocate(w.dtype(), w.shape());
        double[] k = p.ks();
        for (long e = 0; e < w.size(); e++) w2.setDouble(e, w.getDouble(e) * k[(int) (e % n)]);
        Tensor b2 = Tensor.allocate(w.dtype(), n);
        for (long j = 0; j < n; j++) b2.setDouble(j, -p.mean(j) * p.k(j) + p.beta(j));
        String out = bn.outputs().getFirst();
        String wName = out + "/folded_weight", bName = out + "/folded_bias";
        Node fused = mm.toBuilder().domain(FusedOps.DOMAIN).opType(FusedOpSpec.FUSED_MATMUL).name(FusedOps.joinNames(g, mm, bn))
                .inputs(mm.inputs().getFirst(), wName, bName).outputs(out)
                .attr(Attribute.of(FusedOpSpec.ACTIVATION, "None")).attr(Attribute.of(FusedOpSpec.ACTIVATION_PARAMS, new float[0])).build();
        return Optional.of(new Patch().remove(mm).remove(bn).add(fused).initializer(wName, w2).initializer(bName, b2)
                .opset(FusedOps.DOMAIN, FusedOps.VERSION));
    }

    /** The constants of an inference-mode BatchNormalization, or null when it is not one. */
    record BatchNormParams(Tensor scale, Tensor bias, Tensor mean, Tensor var, double eps) {
        static BatchNormParams of(Node bn, GraphIndex g) {
            if (bn.attrInt("training_mode", 0) != 0) return null;
            for (int i = 1; i < bn.outputs().size(); i++) {
                String o = bn.outputs().get(i);
                if (!o.isEmpty() && (g.isGraphOutput(o) || !g.consumers(o).isEmpty())) return null;
            }
            if (bn.inputs().size() < 5) return null;
            Tensor s = g.constant(bn.inputs().get(1)), b = g.constant(bn.inputs().get(2));
            Tensor m = g.constant(bn.inputs().get(3)), v = g.constant(bn.inputs().get(4));
            if (s == null || b == null || m == null || v == null) return null;
            if (!(g.type(bn.inputs().getFirst()) instanceof ValueType.TensorType t) || t.elementType() == DType.BFLOAT16
                    || !t.elementType().isFloatingPoint()) return null;
            return new BatchNormParams(s, b, m, v, bn.attrFloat("epsilon", 1e-5f));
        }

        long channels() { return scale.size(); }

        double k(long c) { return scale.getDouble(c) / Math.sqrt(var.getDouble(c) + eps); }

        /** {@link #k} of every channel, computed once. */
        double[] ks() {
            double[] k = new double[Math.toIntExact(channels())];
            for (int c = 0; c < k.length; c++) k[c] = k(c);
            return k;
        }

        double mean(long c) { return mean.getDouble(c); }

        double beta(long c) { return bias.getDouble(c); }
    }
}
