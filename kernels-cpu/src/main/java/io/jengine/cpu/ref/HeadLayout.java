package io.jengine.cpu.ref;

import io.jengine.tensor.DType;
import io.jengine.tensor.Shapes;
import io.jengine.tensor.Tensor;

/**
 * A tensor viewed as {@code [batch, heads, seq, headSize]} in doubles: the working layout of the attention kernels.
 * A 3-D input {@code [batch, seq, heads * headSize]} is split into heads, as ONNX Attention does with
 * {@code q_num_heads} / {@code kv_num_heads}.
 */
record HeadLayout(double[] data, int batch, int heads, int seq, int headSize) {

    /** Reads a 4-D tensor as is, or splits a 3-D one into {@code heads} heads. */
    static HeadLayout of(Tensor t, String what, long heads) {
        long[] s = t.shape();
        if (s.length == 4) {
            return new HeadLayout(t.toDoubleArray(), (int) s[0], (int) s[1], (int) s[2], (int) s[3]);
        }
        if (s.length != 3) {
            throw new IllegalArgumentException(what + " must be 3-D or 4-D, got shape " + Shapes.format(s));
        }
        if (heads <= 0 || s[2] % heads != 0) {
            throw new IllegalArgumentException(what + ": hidden size " + s[2] + " must be a multiple of its head count,"
                    + " got " + heads + " (set q_num_heads and kv_num_heads for 3-D inputs)");
        }
        int b = (int) s[0], len = (int) s[1], h = (int) heads, d = (int) (s[2] / heads);
        double[] src = t.toDoubleArray();
        double[] dst = new double[src.length];
        for (int bi = 0; bi < b; bi++) {
            for (int l = 0; l < len; l++) {
                for (int hi = 0; hi < h; hi++) {
                    System.arraycopy(src, ((bi * len + l) * h + hi) * d, dst, ((bi * h + hi) * len + l) * d, d);
                }
            }
        }
        return new HeadLayout(dst, b, h, len, d);
    }

    /** Flat offset of row {@code (b, h, l)}; the head's {@code headSize} values follow. */
    int row(int b, int h, int l) { return ((b * heads + h) * seq + l) * headSize; }

    /** This cache followed by {@code next} along the sequence axis (past_key + K gives present_key). */
    HeadLayout append(HeadLayout next, String what) {
        if (next.batch != batch || next.heads != heads || next.headSize != headSize) {
            throw new IllegalArgumentException(what + " has shape [" + batch + ", " + heads + ", " + seq + ", "
                    + headSize + "], which does not match the new keys/values [" + next.batch + ", " + next.heads
                    + ", " + next.seq + ", " + next.headSize + "]");
        }
        int total = seq + next.seq;
        double[] out = new double[batch * heads * total * headSize];
        for (int b = 0; b < batch; b++) {
            for (int h = 0; h < heads; h++) {
                int dst = (b * heads + h) * total * headSize;
                System.arraycopy(data, row(b, h, 0), out, dst, seq * headSize);
                System.arraycopy(next.data, next.row(b, h, 0), out, dst + seq * headSize, next.seq * headSize);
            }
        }
        return new HeadLayout(out, batch, heads, total, headSize);
    }

    /** As a 4-D tensor of the given element type. */
    Tensor toTensor(DType dtype) {
        return Tensor.fromDoubles(dtype, new long[] {batch, heads, seq, headSize}, data);
    }

    /** As a 3-D tensor {@code [batch, seq, heads * headSize]}, merging the heads back. */
    Tensor toMergedTensor(DType dtype) {
        double[] out = new double[data.length];
        for (int b = 0; b < batch; b++) {
            for (int h = 0; h < heads; h++) {
                for (int l = 0; l < seq; l++) {
                    System.arraycopy(data, row(b, h, l), out, ((b * seq + l) * heads + h) * headSize, headSize);
                }
            }
        }
        return Tensor.fromDoubles(dtype, new long[] {batch, seq, (long) heads * headSize}, out);
    }
}
