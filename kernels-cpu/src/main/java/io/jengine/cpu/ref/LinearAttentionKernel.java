package io.jengine.cpu.ref;

import io.jengine.ir.Node;
import io.jengine.tensor.Value;
import io.jengine.spi.ExecutionContext;
import io.jengine.spi.ValueKernel;
import io.jengine.tensor.Shapes;
import io.jengine.tensor.Tensor;

/**
 * ONNX LinearAttention (opset 27): the recurrent form of linear attention with a per-head state
 * {@code S [key_head, value_head]} carried in {@code past_state} / {@code present_state}
 * ({@code [batch, kv_heads, key_head, value_head]}). Per time step and kv head, by {@code update_rule}:
 * <ul>
 *   <li>linear: {@code S += k v^T}</li>
 *   <li>gated: {@code S = exp(decay) * S + k v^T}</li>
 *   <li>delta: {@code S += k (beta (v - S^T k))^T}</li>
 *   <li>gated_delta (default): decay first, then the delta update</li>
 * </ul>
 * then {@code out = scale * S^T q} for each query head, query heads sharing kv heads in groups. {@code decay} is
 * {@code [batch, seq, kv_heads * key_head]} (per key row) or {@code [batch, seq, kv_heads]} (per head), in log space;
 * {@code beta} is {@code [batch, seq, kv_heads]} or {@code [batch, seq, 1]}. Queries, keys and values are 3-D
 * {@code [batch, seq, heads * head]}; scale defaults to {@code 1 / sqrt(key_head)}.
 */
final class LinearAttentionKernel implements ValueKernel {
    private final int qHeads;
    private final int kvHeads;
    private final boolean gated;
    private final boolean delta;
    private final double scale;

    LinearAttentionKernel(Node node) {
        long q = node.attrInt("q_num_heads", 0), kv = node.attrInt("kv_num_heads", 0);
        if (q <= 0 || kv <= 0 || q % kv != 0) {
            throw new IllegalArgumentException("attributes q_num_heads and kv_num_heads must be positive with"
                    + " q_num_heads a multiple of kv_num_heads, got " + q + " and " + kv);
        }
        qHeads = (int) q;
        kvHeads = (int) kv;
        String rule = node.attrString("update_rule", "gated_delta");
        switch (rule) {
            case "linear" -> { gated = false; delta = false; }
            case "gated" -> { gated = true; delta = false; }
            case "delta" -> { gated = false; delta = true; }
            case "gated_delta" -> { gated = true; delta = true; }
            default -> throw new IllegalArgumentException("attribute update_rule must be linear, gated, delta or"
                    + " gated_delta, got '" + rule + "'");
        }
        scale = node.hasAttr("scale") ? node.attrFloat("scale", 0) : Double.NaN;
    }

    @Override
    public Value[] run(ExecutionContext ctx, Value[] inputs) {
        Tensor qT = KernelSupport.tensor(inputs, 0);
        Tensor kT = KernelSupport.tensor(inputs, 1);
        Tensor vT = KernelSupport.tensor(inputs, 2);
        Tensor pastT = KernelSupport.optionalTensor(inputs, 3);
        Tensor decayT = KernelSupport.optionalTensor(inputs, 4);
        Tensor betaT = KernelSupport.optionalTensor(inputs, 5);
        for (Tensor t : new Tensor[] {qT, kT, vT}) {
            if (t.rank() != 3 || t.dim(0) != qT.dim(0) || t.dim(1) != qT.dim(1)) {
                throw new IllegalArgumentException("query, key and value must be 3-D [batch, seq, hidden] with one"
                        + " batch and sequence length, got " + qT.describe() + ", " + kT.describe() + ", "
                        + vT.describe());
            }
        }
        int batch = (int) qT.dim(0), seq = (int) qT.dim(1);
        if (qT.dim(2) % qHeads != 0 || kT.dim(2) % kvHeads != 0 || vT.dim(2) % kvHeads != 0
                || qT.dim(2) / qHeads != kT.dim(2) / kvHeads) {
            throw new IllegalArgumentException("hidden sizes do not split into heads: query " + qT.dim(2) + " / "
                    + qHeads + ", key " + kT.dim(2) + " and value " + vT.dim(2) + " / " + kvHeads);
        }
        int dk = (int) (kT.dim(2) / kvHeads), dv = (int) (vT.dim(2) / kvHeads), group = qHeads / kvHeads;
        if (gated && decayT == null) throw new IllegalArgumentException("update rule needs input decay");
        if (delta && betaT == null) throw new IllegalArgumentException("update rule needs input beta");
        int decayWidth = decayT == null ? 0 : perStepWidth(decayT, "decay", batch, seq, kvHeads * dk, kvHeads);
        int betaWidth = betaT == null ? 0 : perStepWidth(betaT, "beta", batch, seq, kvHeads, 1);
        long[] stateShape = {batch, kvHeads, dk, dv};
        if (pastT != null && !java.util.Arrays.equals(pastT.shape(), stateShape)) {
            throw new IllegalArgumentException("past_state must have shape " + Shapes.format(stateShape) + ", got "
                    + Shapes.format(pastT.shape()));
        }
        double[] q = qT.toDoubleArray(), k = kT.toDoubleArray(), v = vT.toDoubleArray();
        double[] state = pastT == null ? new double[batch * kvHeads * dk * dv] : pastT.toDoubleArray();
        double s = Double.isNaN(scale) ? 1 / Math.sqrt(dk) : scale;
        double[] out = new double[batch * seq * qHeads * dv];
        double[] predicted = new double[dv];
        for (int b = 0; b < batch; b++) {
            for (int t = 0; t < seq; t++) {
                int step = b * seq + t;
                for (int h = 0; h < kvHeads; h++) {
                    int st = (b * kvHeads + h) * dk * dv;
                    int kOff = (step * kvHeads + h) * dk, vOff = (step * kvHeads + h) * dv;
                    if (gated) {
                        for (int i = 0; i < dk; i++) {
                            int di = decayWidth == kvHeads ? h : h * dk + i;
                            double g = Math.exp(decayT.getDouble((long) step * decayWidth + di));
                            for (int j = 0; j < dv; j++) state[st + i * dv + j] *= g;
                        }
                    }
                    double beta = delta ? betaT.getDouble((long) step * betaWidth + (betaWidth == 1 ? 0 : h)) : 1;
                    for (int j = 0; j < dv; j++) {
                        double sk = 0;
                        if (delta) for (int i = 0; i < dk; i++) sk += state[st + i * dv + j] * k[kOff + i];
                        predicted[j] = beta * (v[vOff + j] - sk);
                    }
                    for (int i = 0; i < dk; i++) {
                        for (int j = 0; j < dv; j++) state[st + i * dv + j] += k[kOff + i] * predicted[j];
                    }
                }
                for (int h = 0; h < qHeads; h++) {
                    int st = (b * kvHeads + h / group) * dk * dv;
                    int qOff = (step * qHeads + h) * dk, oOff = (step * qHeads + h) * dv;
                    for (int j = 0; j < dv; j++) {
                        double acc = 0;
                        for (int i = 0; i < dk; i++) acc += state[st + i * dv + j] * q[qOff + i];
                        out[oOff + j] = s * acc;
                    }
                }
            }
        }
        Value[] result = new Value[Math.max(1, ctx.node().outputs().size())];
        result[0] = Tensor.fromDoubles(qT.dtype(), new long[] {batch, seq, (long) qHeads * dv}, out);
        if (ctx.node().hasOutput(1)) result[1] = Tensor.fromDoubles(qT.dtype(), stateShape, state);
        return result;
    }

    /** Checks a per-step input is {@code [batch, seq, full]} or {@code [batch, seq, reduced]}; returns its width. */
    private static int perStepWidth(Tensor t, String what, int batch, int seq, int full, int reduced) {
        long[] s = t.shape();
        if (s.length != 3 || s[0] != batch || s[1] != seq || (s[2] != full && s[2] != reduced)) {
            throw new IllegalArgumentException(what + " must have shape [" + batch + ", " + seq + ", " + full
                    + "] or [" + batch + ", " + seq + ", " + reduced + "], got " + Shapes.format(s));
        }
        return (int) s[2];
    }
}
