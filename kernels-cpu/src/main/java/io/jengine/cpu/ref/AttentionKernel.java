package io.jengine.cpu.ref;

import io.jengine.ir.Node;
import io.jengine.tensor.Value;
import io.jengine.spi.ExecutionContext;
import io.jengine.spi.ValueKernel;
import io.jengine.tensor.DType;
import io.jengine.tensor.Tensor;

/**
 * ONNX Attention (opset 23; {@code nonpad_kv_seqlen} from 24; {@code left_window_size} / {@code right_window_size}
 * from 25): {@code softmax(softcap(Q K^T * scale) + bias) V} with grouped-query heads, a KV cache and the optional
 * {@code qk_matmul_output}. Computed in double; a row whose keys are all blocked yields zeros rather than NaN.
 */
final class AttentionKernel implements ValueKernel {
    private final long qNumHeads;
    private final long kvNumHeads;
    private final double scale;
    private final boolean causal;
    private final double softcap;
    private final int qkMode;
    private final long leftWindow;
    private final long rightWindow;

    AttentionKernel(Node node) {
        qNumHeads = node.attrInt("q_num_heads", 0);
        kvNumHeads = node.attrInt("kv_num_heads", 0);
        scale = node.hasAttr("scale") ? node.attrFloat("scale", 0) : Double.NaN;
        long isCausal = node.attrInt("is_causal", 0);
        if (isCausal != 0 && isCausal != 1) {
            throw new IllegalArgumentException("attribute is_causal must be 0 or 1, got " + isCausal);
        }
        causal = isCausal == 1;
        softcap = node.attrFloat("softcap", 0);
        long mode = node.attrInt("qk_matmul_output_mode", 0);
        if (mode < 0 || mode > 3) {
            throw new IllegalArgumentException("attribute qk_matmul_output_mode must be 0..3, got " + mode);
        }
        qkMode = (int) mode;
        leftWindow = node.attrInt("left_window_size", -1);
        rightWindow = node.attrInt("right_window_size", -1);
        if (qNumHeads < 0 || kvNumHeads < 0) {
            throw new IllegalArgumentException("q_num_heads and kv_num_heads must be positive, got " + qNumHeads
                    + " and " + kvNumHeads);
        }
    }

    @Override
    public Value[] run(ExecutionContext ctx, Value[] inputs) {
        Tensor qT = KernelSupport.tensor(inputs, 0);
        Tensor kT = KernelSupport.tensor(inputs, 1);
        Tensor vT = KernelSupport.tensor(inputs, 2);
        if (qT.rank() != kT.rank() || qT.rank() != vT.rank()) {
            throw new IllegalArgumentException("Q, K and V must have the same rank, got " + qT.rank() + ", "
                    + kT.rank() + " and " + vT.rank());
        }
        for (Tensor t : new Tensor[] {qT, kT, vT}) {
            if (!t.dtype().isFloatingPoint()) {
                throw new IllegalArgumentException("Q, K and V must be floating point, got " + t.describe());
            }
        }
        Tensor mask = KernelSupport.optionalTensor(inputs, 3);
        Tensor pastKey = KernelSupport.optionalTensor(inputs, 4);
        Tensor pastValue = KernelSupport.optionalTensor(inputs, 5);
        Tensor nonpadT = KernelSupport.optionalTensor(inputs, 6);
        if ((pastKey == null) != (pastValue == null)) {
            throw new IllegalArgumentException("past_key and past_value must be given together");
        }
        HeadLayout q = HeadLayout.of(qT, "Q", qNumHeads);
        HeadLayout k = HeadLayout.of(kT, "K", kvNumHeads);
        HeadLayout v = HeadLayout.of(vT, "V", kvNumHeads);
        if (k.batch() != q.batch() || v.batch() != q.batch() || v.seq() != k.seq() || v.heads() != k.heads()) {
            throw new IllegalArgumentException("K and V must agree in batch, heads and sequence length with each"
                    + " other and Q in batch, got Q " + qT.describe() + ", K " + kT.describe() + ", V "
                    + vT.describe());
        }
        if (k.headSize() != q.headSize()) {
            throw new IllegalArgumentException("Q and K must have the same head size, got " + q.headSize() + " and "
                    + k.headSize());
        }
        if (q.heads() % k.heads() != 0) {
            throw new IllegalArgumentException("the query head count (" + q.heads()
                    + ") must be a multiple of the key/value head count (" + k.heads() + ")");
        }
        int past = 0;
        if (pastKey != null) {
            HeadLayout pk = HeadLayout.of(pastKey, "past_key", 0);
            HeadLayout pv = HeadLayout.of(pastValue, "past_value", 0);
            past = pk.seq();
            k = pk.append(k, "past_key");
            v = pv.append(v, "past_value");
        }
        long[] nonpad = nonpadT == null ? null : nonpadT.toLongArray();
        int batch = q.batch(), qHeads = q.heads(), len = q.seq(), keys = k.seq(), d = q.headSize();
        int dv = v.headSize();
        int group = qHeads / k.heads();
        AttentionBias bias = new AttentionBias(mask, nonpad, pastKey != null, past, batch, qHeads, len, keys, causal,
                leftWindow, rightWindow);
        double s = Double.isNaN(scale) ? 1 / Math.sqrt(d) : scale;

        double[] y = new double[batch * qHeads * len * dv];
        double[] qkOut = new double[batch * qHeads * len * keys];
        double[] raw = new double[keys];
        double[] capped = new double[keys];
        double[] scores = new double[keys];
        for (int b = 0; b < batch; b++) {
            for (int h = 0; h < qHeads; h++) {
                int kh = h / group;
                for (int i = 0; i < len; i++) {
                    int qRow = q.row(b, h, i);
                    for (int j = 0; j < keys; j++) {
                        int kRow = k.row(b, kh, j);
                        double dot = 0;
                        for (int c = 0; c < d; c++) dot += q.data()[qRow + c] * k.data()[kRow + c];
                        raw[j] = dot * s;
                        // Softcap comes before the bias so that blocked (-inf) scores stay blocked.
                        capped[j] = softcap > 0 ? softcap * Math.tanh(raw[j] / softcap) : raw[j];
                        scores[j] = capped[j] + bias.at(b, h, i, j);
                    }
                    double[] recorded = switch (qkMode) {
                        case 0 -> raw;
                        case 1 -> capped;
                        default -> scores;
                    };
                    int outRow = ((b * qHeads + h) * len + i) * keys;
                    System.arraycopy(recorded, 0, qkOut, outRow, keys);
                    softmaxInPlace(scores);
                    if (qkMode == 3) System.arraycopy(scores, 0, qkOut, outRow, keys);
                    int yRow = ((b * qHeads + h) * len + i) * dv;
                    for (int j = 0; j < keys; j++) {
                        double p = scores[j];
                        int vRow = v.row(b, kh, j);
                        for (int c = 0; c < dv; c++) y[yRow + c] += p * v.data()[vRow + c];
                    }
                }
            }
        }
        DType dt = qT.dtype();
        HeadLayout yHeads = new HeadLayout(y, batch, qHeads, len, dv);
        Tensor yT = qT.rank() == 3 ? yHeads.toMergedTensor(dt) : yHeads.toTensor(dt);
        Node node = ctx.node();
        Value[] out = new Value[Math.max(1, node.outputs().size())];
        out[0] = yT;
        if (node.hasOutput(1)) out[1] = k.toTensor(kT.dtype());
        if (node.hasOutput(2)) out[2] = v.toTensor(vT.dtype());
        if (node.hasOutput(3)) out[3] = Tensor.fromDoubles(dt, new long[] {batch, qHeads, len, keys}, qkOut);
        return out;
    }

    /** Softmax over a row; a row with every entry -inf becomes all zeros. NaN propagates as in numpy. */
    static void softmaxInPlace(double[] x) {
        double max = Double.NEGATIVE_INFINITY;
        for (double e : x) max = Math.max(max, e);
        if (max == Double.NEGATIVE_INFINITY) {
            java.util.Arrays.fill(x, 0);
            return;
        }
        double sum = 0;
        for (int j = 0; j < x.length; j++) {
            x[j] = Math.exp(x[j] - max);
            sum += x[j];
        }
        for (int j = 0; j < x.length; j++) x[j] /= sum;
    }
}
