package io.jengine.opencl;

import io.jengine.ir.Node;

/**
 * A convolution's or pool's padding per spatial axis, begins then ends, from {@code pads} or {@code auto_pad}, checked
 * against the output size shape inference gave (so that a kernel never disagrees with the plan's shapes).
 */
final class Pads {
    private Pads() {}

    /** Begins then ends, or null where the attributes cannot give {@code out} (the node is then left to the host). */
    static long[] of(Node node, long[] in, long[] kernel, long[] strides, long[] dil, long[] out) {
        int r = in.length;
        String auto = node.attrString("auto_pad", "NOTSET");
        long[] pads = new long[2 * r];
        switch (auto) {
            case "NOTSET" -> {
                long[] p = node.attrInts("pads", new long[2 * r]);
                if (p.length != 2 * r) return null;
                pads = p.clone();
            }
            case "VALID" -> {}
            case "SAME_UPPER", "SAME_LOWER" -> {
                for (int i = 0; i < r; i++) {
                    long total = Math.max(0, (out[i] - 1) * strides[i] + (kernel[i] - 1) * dil[i] + 1 - in[i]);
                    long small = total / 2, big = total - small;
                    pads[i] = auto.equals("SAME_UPPER") ? small : big;
                    pads[i + r] = auto.equals("SAME_UPPER") ? big : small;
                }
            }
            default -> { return null; }
        }
        for (long p : pads) if (p < 0) return null;
        return pads;
    }
}
