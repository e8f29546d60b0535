package io.jengine.cpu.ref;

import io.jengine.ir.Node;
import io.jengine.tensor.Value;
import io.jengine.spi.ExecutionContext;
import io.jengine.spi.ValueKernel;
import io.jengine.tensor.Shapes;
import io.jengine.tensor.Tensor;

/**
 * ONNX RotaryEmbedding (opset 23). Input is {@code [batch, heads, seq, head]} or {@code [batch, seq, heads * head]}
 * (then {@code num_heads} is required). The first {@code rotary_embedding_dim} values of each head (all by default)
 * are rotated as pairs {@code (x1, x2) -> (x1 cos - x2 sin, x1 sin + x2 cos)}, pairs being the two halves of that
 * span, or neighbouring values when {@code interleaved}. The angle tables come from {@code cos_cache[position_ids]}
 * or, without position_ids, from caches already shaped {@code [batch, seq, rotary_dim / 2]}.
 */
final class RotaryEmbeddingKernel implements ValueKernel {
    private final boolean interleaved;
    private final long numHeads;
    private final long rotaryDim;

    RotaryEmbeddingKernel(Node node) {
        interleaved = node.attrInt("interleaved", 0) != 0;
        numHeads = node.attrInt("num_heads", 0);
        rotaryDim = node.attrInt("rotary_embedding_dim", 0);
        if (numHeads < 0 || rotaryDim < 0) {
            throw new IllegalArgumentException("attributes num_heads and rotary_embedding_dim must not be negative,"
                    + " got " + numHeads + " and " + rotaryDim);
        }
    }

    @Override
    public Value[] run(ExecutionContext ctx, Value[] inputs) {
        Tensor x = KernelSupport.tensor(inputs, 0);
        Tensor cos = KernelSupport.tensor(inputs, 1);
        Tensor sin = KernelSupport.tensor(inputs, 2);
        Tensor positions = KernelSupport.optionalTensor(inputs, 3);
        long[] s = x.shape();
        int batch, heads, seq, head;
        boolean threeD = s.length == 3;
        if (threeD) {
            if (numHeads == 0 || s[2] % numHeads != 0) {
                throw new IllegalArgumentException("a 3-D input needs attribute num_heads dividing its hidden size "
                        + s[2] + ", got num_heads " + numHeads);
            }
            batch = (int) s[0];
            seq = (int) s[1];
            heads = (int) numHeads;
            head = (int) (s[2] / numHeads);
        } else if (s.length == 4) {
            batch = (int) s[0];
            heads = (int) s[1];
            seq = (int) s[2];
            head = (int) s[3];
        } else {
            throw new IllegalArgumentException("input must be 3-D or 4-D, got shape " + Shapes.format(s));
        }
        int rot = rotaryDim == 0 ? head : (int) rotaryDim;
        if (rot > head || rot % 2 != 0) {
            throw new IllegalArgumentException("rotary_embedding_dim must be even and at most the head size " + head
                    + ", got " + rot);
        }
        int half = rot / 2;
        long[] cs = cos.shape();
        if (!java.util.Arrays.equals(cs, sin.shape())) {
            throw new IllegalArgumentException("cos_cache and sin_cache must have the same shape, got "
                    + Shapes.format(cs) + " and " + Shapes.format(sin.shape()));
        }
        long[] pos = positions == null ? null : positions.toLongArray();
        if (pos != null && (positions.rank() != 2 || positions.dim(0) != batch || positions.dim(1) != seq)) {
            throw new IllegalArgumentException("position_ids must have shape [" + batch + ", " + seq + "], got "
                    + Shapes.format(positions.shape()));
        }
        int tableWidth = (int) cs[cs.length - 1];
        if (tableWidth < half || (pos != null ? cs.length != 2 : cs.length != 3 || cs[0] != batch || cs[1] != seq)) {
            throw new IllegalArgumentException("cos_cache must be [max_position, >= " + half + "] with position_ids"
                    + " or [" + batch + ", " + seq + ", >= " + half + "] without, got " + Shapes.format(cs));
        }
        double[] in = x.toDoubleArray();
        double[] out = in.clone();
        for (int b = 0; b < batch; b++) {
            for (int t = 0; t < seq; t++) {
                long row;
                if (pos != null) {
                    long p = pos[b * seq + t];
                    if (p < 0 || p >= cs[0]) {
                        throw new IllegalArgumentException("position_ids value " + p + " is outside the cache of "
                                + cs[0] + " positions");
                    }
                    row = p * tableWidth;
                } else {
                    row = ((long) b * seq + t) * tableWidth;
                }
                for (int h = 0; h < heads; h++) {
                    int base = threeD ? ((b * seq + t) * heads + h) * head : ((b * heads + h) * seq + t) * head;
                    for (int k = 0; k < half; k++) {
                        double c = cos.getDouble(row + k), sn = sin.getDouble(row + k);
                        int i1 = base + (interleaved ? 2 * k : k);
                        int i2 = base + (interleaved ? 2 * k + 1 : k + half);
                        out[i1] = in[i1] * c - in[i2] * sn;
                        out[i2] = in[i1] * sn + in[i2] * c;
                    }
                }
            }
        }
        return new Value[] {Tensor.fromDoubles(x.dtype(), s, out)};
    }
}
