package io.jengine.cpu.ref;

import static io.jengine.cpu.ref.KernelSupport.optionalTensor;
import static io.jengine.cpu.ref.KernelSupport.tensor;

import io.jengine.ir.Node;
import io.jengine.tensor.Value;
import io.jengine.spi.KernelRegistry;
import io.jengine.tensor.Tensor;
import java.util.Set;

/**
 * The optimizer's fused attention block ({@code jengine.ScaledDotProductAttention}): softmax((Q·sq)(Kᵀ·sk) + mask)·V
 * over the last axis, with NaN probabilities replaced by {@code nan_value} when that attribute is present — the same
 * steps, in the same order, as the nodes it replaced.
 */
final class ScaledDotProductAttentionKernel {
    private ScaledDotProductAttentionKernel() {}

    static void register(KernelRegistry r) {
        r.add(FusedKernels.DOMAIN, "ScaledDotProductAttention", 1, Set.of(), n -> {
            Node node = n.node();
            double sq = node.attrFloat("q_scale", 1f), sk = node.attrFloat("k_scale", 1f);
            Double nanValue = node.hasAttr("nan_value") ? (double) node.attrFloat("nan_value", 0f) : null;
            return (ctx, in) -> {
                Tensor q = scaled(tensor(in, 0), sq), kT = scaled(tensor(in, 1), sk), v = tensor(in, 2);
                Tensor mask = optionalTensor(in, 3);
                Tensor scores = LinalgKernels.matmul(q, kT, null, null, null);
                if (mask != null) {
                    Tensor s = scores;
                    scores = Broadcasting.map(s.dtype(), (o, e, i) -> o.setDouble(e, s.getDouble(i[0]) + mask.getDouble(i[1])), s, mask);
                }
                Tensor probs = softmaxLastAxis(scores, nanValue);
                return new Value[] {LinalgKernels.matmul(probs, v, null, null, null)};
            };
        });
    }

    private static Tensor scaled(Tensor x, double s) {
        if (s == 1) return x;
        Tensor out = Tensor.allocate(x.dtype(), x.shape());
        for (long i = 0; i < x.size(); i++) out.setDouble(i, x.getDouble(i) * s);
        return out;
    }

    private static Tensor softmaxLastAxis(Tensor x, Double nanValue) {
        long n = x.dim(x.rank() - 1), rows = x.size() / Math.max(n, 1);
        Tensor out = Tensor.allocate(x.dtype(), x.shape());
        for (long r = 0; r < rows; r++) {
            double max = Double.NEGATIVE_INFINITY, sum = 0;
            for (long j = 0; j < n; j++) max = Math.max(max, x.getDouble(r * n + j));
            for (long j = 0; j < n; j++) sum += Math.exp(x.getDouble(r * n + j) - max);
            for (long j = 0; j < n; j++) {
                double p = Math.exp(x.getDouble(r * n + j) - max) / sum;
                out.setDouble(r * n + j, Double.isNaN(p) && nanValue != null ? nanValue : p);
            }
        }
        return out;
    }
}
