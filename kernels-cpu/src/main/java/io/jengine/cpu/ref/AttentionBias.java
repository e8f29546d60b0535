package io.jengine.cpu.ref;

import io.jengine.tensor.DType;
import io.jengine.tensor.Shapes;
import io.jengine.tensor.Tensor;

/**
 * The additive bias of ONNX Attention for one (batch, query head, query position, key position): the user's
 * {@code attn_mask} (boolean: false blocks; float: added), the causal and sliding-window limits, and the
 * {@code nonpad_kv_seqlen} padding limit. Blocked positions are {@code -inf}.
 *
 * <p>Causal and window limits are aligned bottom-right: query {@code i} sits at absolute position {@code i + offset},
 * where the offset is the past length when {@code past_key} is given, else {@code nonpad_kv_seqlen[b] - q_len} when
 * that is given (an external cache), else 0.
 */
final class AttentionBias {
    private final Tensor mask;
    private final long[] maskStrides = new long[4];
    private final int maskKeys;
    private final long[] nonpad;
    private final int pastLength;
    private final int queryLength;
    private final boolean causal;
    private final long leftWindow;
    private final long rightWindow;

    /**
     * @param mask      attn_mask or null; broadcastable to {@code [batch, qHeads, qLen, keys]}, last axis may be shorter
     * @param nonpad    nonpad_kv_seqlen per batch, or null
     * @param pastKey   whether past_key was given, {@code pastLength} its sequence length
     */
    AttentionBias(Tensor mask, long[] nonpad, boolean pastKey, int pastLength, int batch, int qHeads, int queryLength,
                  int keys, boolean causal, long leftWindow, long rightWindow) {
        this.mask = mask;
        this.nonpad = nonpad;
        this.pastLength = pastKey ? pastLength : -1;
        this.queryLength = queryLength;
        this.causal = causal;
        this.leftWindow = leftWindow;
        this.rightWindow = rightWindow;
        if (nonpad != null && nonpad.length != batch) {
            throw new IllegalArgumentException("nonpad_kv_seqlen must have one entry per batch (" + batch + "), got "
                    + nonpad.length);
        }
        if (mask == null) {
            maskKeys = keys;
            return;
        }
        long[] s = mask.shape();
        if (s.length < 1 || s.length > 4) {
            throw new IllegalArgumentException("attn_mask must have rank 1 to 4, got shape " + Shapes.format(s));
        }
        long[] target = {batch, qHeads, queryLength, keys};
        long stride = 1;
        for (int k = 1; k <= 4; k++) {
            int ax = 4 - k;
            long dim = k <= s.length ? s[s.length - k] : 1;
            boolean ok = ax == 3 ? dim <= keys : dim == 1 || dim == target[ax];
            if (!ok) {
                throw new IllegalArgumentException("attn_mask shape " + Shapes.format(s)
                        + " does not broadcast to [batch, q_heads, q_len, total_kv_len] = " + Shapes.format(target));
            }
            maskStrides[ax] = dim == 1 && ax != 3 ? 0 : stride;
            stride *= dim;
        }
        maskKeys = (int) s[s.length - 1];
    }

    /** The bias to add to score {@code (b, h, i, j)}: 0 or the float mask value when allowed, else -inf. */
    double at(int b, int h, int i, int j) {
        long offset = pastLength >= 0 ? pastLength : nonpad != null ? nonpad[b] - queryLength : 0;
        long pos = i + offset;
        if (causal && j > pos) return Double.NEGATIVE_INFINITY;
        if (leftWindow >= 0 && j < pos - leftWindow) return Double.NEGATIVE_INFINITY;
        if (rightWindow >= 0 && j > pos + rightWindow) return Double.NEGATIVE_INFINITY;
        if (nonpad != null && j >= nonpad[b]) return Double.NEGATIVE_INFINITY;
        if (mask == null) return 0;
        if (j >= maskKeys) return Double.NEGATIVE_INFINITY;
        long idx = b * maskStrides[0] + h * maskStrides[1] + i * maskStrides[2] + j * maskStrides[3];
        if (mask.dtype() == DType.BOOL) return mask.getBool(idx) ? 0 : Double.NEGATIVE_INFINITY;
        return mask.getDouble(idx);
    }
}
