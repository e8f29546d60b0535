package io.jengine.cpu.ref;

import io.jengine.ir.Graph;
import io.jengine.ir.Node;
import io.jengine.tensor.Value;
import io.jengine.spi.ExecutionContext;
import io.jengine.spi.ValueKernel;
import io.jengine.tensor.Tensor;
import java.util.List;

/**
 * FlexAttention ({@code ai.onnx.preview} opset 1): scaled dot-product attention on 4-D
 * {@code [batch, heads, seq, head]} inputs whose scores and probabilities pass through user sub-graphs.
 * {@code score_mod} maps the scores {@code [batch, q_heads, q_len, kv_len]} (after scaling) to new scores before
 * the softmax; {@code prob_mod} maps the softmax probabilities before they weight V. Query heads share kv heads in
 * groups (grouped-query attention).
 */
final class FlexAttentionKernel implements ValueKernel {
    private final double scale;
    private final Graph scoreMod;
    private final Graph probMod;

    FlexAttentionKernel(Node node) {
        scale = node.hasAttr("scale") ? node.attrFloat("scale", 0) : Double.NaN;
        scoreMod = node.attrGraph("score_mod");
        probMod = node.attrGraph("prob_mod");
    }

    @Override
    public Value[] run(ExecutionContext ctx, Value[] inputs) {
        Tensor qT = KernelSupport.tensor(inputs, 0);
        Tensor kT = KernelSupport.tensor(inputs, 1);
        Tensor vT = KernelSupport.tensor(inputs, 2);
        if (qT.rank() != 4 || kT.rank() != 4 || vT.rank() != 4) {
            throw new IllegalArgumentException("Q, K and V must be 4-D [batch, heads, seq, head], got "
                    + qT.describe() + ", " + kT.describe() + ", " + vT.describe());
        }
        HeadLayout q = HeadLayout.of(qT, "Q", 0);
        HeadLayout k = HeadLayout.of(kT, "K", 0);
        HeadLayout v = HeadLayout.of(vT, "V", 0);
        if (k.batch() != q.batch() || v.batch() != q.batch() || k.headSize() != q.headSize() || v.seq() != k.seq()
                || v.heads() != k.heads() || q.heads() % k.heads() != 0) {
            throw new IllegalArgumentException("Q, K and V shapes are inconsistent: Q " + qT.describe() + ", K "
                    + kT.describe() + ", V " + vT.describe() + " (batch, head size and kv length must agree, and"
                    + " the query head count must be a multiple of the kv head count)");
        }
        int batch = q.batch(), heads = q.heads(), len = q.seq(), keys = k.seq(), d = q.headSize(), dv = v.headSize();
        int group = heads / k.heads();
        double s = Double.isNaN(scale) ? 1 / Math.sqrt(d) : scale;
        long[] scoreShape = {batch, heads, len, keys};
        double[] scores = new double[batch * heads * len * keys];
        for (int b = 0; b < batch; b++) {
            for (int h = 0; h < heads; h++) {
                for (int i = 0; i < len; i++) {
                    int qRow = q.row(b, h, i);
                    for (int j = 0; j < keys; j++) {
                        int kRow = k.row(b, h / group, j);
                        double dot = 0;
                        for (int c = 0; c < d; c++) dot += q.data()[qRow + c] * k.data()[kRow + c];
                        scores[((b * heads + h) * len + i) * keys + j] = dot * s;
                    }
                }
            }
        }
        if (scoreMod != null) scores = apply(ctx, scoreMod, "score_mod", Tensor.fromDoubles(qT.dtype(), scoreShape, scores));
        double[] row = new double[keys];
        for (int r = 0; r < batch * heads * len; r++) {
            System.arraycopy(scores, r * keys, row, 0, keys);
            AttentionKernel.softmaxInPlace(row);
            System.arraycopy(row, 0, scores, r * keys, keys);
        }
        if (probMod != null) scores = apply(ctx, probMod, "prob_mod", Tensor.fromDoubles(qT.dtype(), scoreShape, scores));
        double[] y = new double[batch * heads * len * dv];
        for (int b = 0; b < batch; b++) {
            for (int h = 0; h < heads; h++) {
                for (int i = 0; i < len; i++) {
                    int yRow = ((b * heads + h) * len + i) * dv;
                    for (int j = 0; j < keys; j++) {
                        double p = scores[((b * heads + h) * len + i) * keys + j];
                        int vRow = v.row(b, h / group, j);
                        for (int c = 0; c < dv; c++) y[yRow + c] += p * v.data()[vRow + c];
                    }
                }
            }
        }
        return new Value[] {new HeadLayout(y, batch, heads, len, dv).toTensor(qT.dtype())};
    }

    /** Runs a modifier sub-graph on the whole score / probability tensor; it must keep the shape. */
    private static double[] apply(ExecutionContext ctx, Graph body, String what, Tensor in) {
        List<Value> out = ctx.runSubgraph(body, List.of(in));
        if (out.size() != 1 || !(out.get(0) instanceof Tensor t) || !java.util.Arrays.equals(t.shape(), in.shape())) {
            throw new IllegalArgumentException(what + " must return one tensor of shape "
                    + io.jengine.tensor.Shapes.format(in.shape()) + ", got " + out);
        }
        return t.toDoubleArray();
    }
}
