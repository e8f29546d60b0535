package io.jengine.cpu.ref;

import io.jengine.ir.Node;
import java.util.Arrays;

/**
 * The sliding-window arithmetic shared by Conv, ConvTranspose and the pools: kernel, strides, dilations and pads per
 * spatial axis, resolved from the attributes (auto_pad included) for a concrete input shape. Public because the fast
 * tactics resolve their geometry with it too: one reading of the attributes for every kernel.
 */
public record ConvGeometry(long[] in, long[] kernel, long[] strides, long[] dilations, long[] padBegin, long[] padEnd,
                    long[] out) {

    /**
     * Resolves the geometry of a forward window op over spatial sizes {@code in}. {@code kernel} comes from the
     * kernel_shape attribute or the weights.
     */
    public static ConvGeometry forward(Node node, long[] in, long[] kernel, boolean ceilMode) {
        int r = in.length;
        if (kernel.length != r) {
            throw new IllegalArgumentException("kernel_shape " + Arrays.toString(kernel) + " has " + kernel.length
                    + " entries, the input has " + r + " spatial axes");
        }
        for (long k : kernel) {
            if (k <= 0) throw new IllegalArgumentException("kernel_shape must be positive, got " + Arrays.toString(kernel));
        }
        long[] strides = orOnes(node.attrInts("strides", null), r, "strides", node);
        long[] dil = orOnes(node.attrInts("dilations", null), r, "dilations", node);
        long[] pads = node.attrInts("pads", null);
        String autoPad = node.attrString("auto_pad", "NOTSET");
        long[] pb = new long[r], pe = new long[r], out = new long[r];
        for (int i = 0; i < r; i++) {
            long span = (kernel[i] - 1) * dil[i] + 1;
            switch (autoPad) {
                case "SAME_UPPER", "SAME_LOWER" -> {
                    out[i] = Math.ceilDiv(in[i], strides[i]);
                    long total = Math.max(0, (out[i] - 1) * strides[i] + span - in[i]);
                    pb[i] = autoPad.equals("SAME_UPPER") ? total / 2 : total - total / 2;
                    pe[i] = total - pb[i];
                    continue;
                }
                case "VALID" -> { pb[i] = 0; pe[i] = 0; }
                case "NOTSET", "" -> {
                    if (pads != null) {
                        if (pads.length != 2 * r) {
                            throw new IllegalArgumentException("pads has " + pads.length + " entries, expected " + 2 * r);
                        }
                        pb[i] = pads[i];
                        pe[i] = pads[i + r];
                    }
                }
                default -> throw new IllegalArgumentException("unknown auto_pad '" + autoPad + "'");
            }
            long room = in[i] + pb[i] + pe[i] - span;
            if (room < 0) {
                throw new IllegalArgumentException("kernel extent " + span + " exceeds padded input size "
                        + (in[i] + pb[i] + pe[i]) + " on spatial axis " + i);
            }
            out[i] = (ceilMode ? Math.ceilDiv(room, strides[i]) : room / strides[i]) + 1;
            // A last window that would start inside the end padding is dropped (as PyTorch and ONNX's reference do).
            if (ceilMode && (out[i] - 1) * strides[i] >= in[i] + pb[i]) out[i]--;
        }
        return new ConvGeometry(in, kernel, strides, dil, pb, pe, out);
    }

    /**
     * Checks the window attributes a node carries before any run, so that a malformed model fails when it is loaded:
     * auto_pad is a known mode, strides/dilations/kernel_shape positive, pads non-negative and twice as long as
     * kernel_shape where both are given, group positive.
     */
    public static void checkAttributes(Node node) {
        String autoPad = node.attrString("auto_pad", "NOTSET");
        if (!java.util.Set.of("NOTSET", "", "VALID", "SAME_UPPER", "SAME_LOWER").contains(autoPad)) {
            throw new IllegalArgumentException("unknown auto_pad '" + autoPad
                    + "', expected NOTSET, VALID, SAME_UPPER or SAME_LOWER");
        }
        for (String attr : new String[] {"strides", "dilations", "kernel_shape"}) {
            long[] v = node.attrInts(attr, new long[0]);
            for (long x : v) if (x <= 0) throw new IllegalArgumentException(attr + " must be positive, got " + Arrays.toString(v));
        }
        long[] pads = node.attrInts("pads", new long[0]);
        for (long x : pads) if (x < 0) throw new IllegalArgumentException("pads must be non-negative, got " + Arrays.toString(pads));
        long[] kernel = node.attrInts("kernel_shape", null);
        if (kernel != null && pads.length != 0 && pads.length != 2 * kernel.length) {
            throw new IllegalArgumentException("pads " + Arrays.toString(pads) + " must have " + 2 * kernel.length
                    + " entries for kernel_shape " + Arrays.toString(kernel));
        }
        if (node.attrInt("group", 1) <= 0) throw new IllegalArgumentException("group must be positive, got " + node.attrInt("group", 1));
    }

    private static long[] orOnes(long[] v, int r, String what, Node node) {
        if (v == null) {
            long[] ones = new long[r];
            Arrays.fill(ones, 1);
            return ones;
        }
        if (v.length != r) {
            throw new IllegalArgumentException(what + " " + Arrays.toString(v) + " has " + v.length + " entries, the input has "
                    + r + " spatial axes");
        }
        for (long x : v) if (x <= 0) throw new IllegalArgumentException(what + " must be positive, got " + Arrays.toString(v));
        return v;
    }

    /** Pads a geometry of fewer than 3 spatial axes to 3 (leading axes of size 1), so one loop nest serves 1-D to 3-D. */
    ConvGeometry to3d() {
        int r = in.length;
        if (r == 3) return this;
        if (r > 3) throw new IllegalArgumentException(r + "-D windows are not supported (at most 3 spatial axes)");
        return new ConvGeometry(lead(in, 1), lead(kernel, 1), lead(strides, 1), lead(dilations, 1), lead(padBegin, 0),
                lead(padEnd, 0), lead(out, 1));
    }

    private static long[] lead(long[] v, long fill) {
        long[] r = new long[3];
        Arrays.fill(r, fill);
        System.arraycopy(v, 0, r, 3 - v.length, v.length);
        return r;
    }
}
