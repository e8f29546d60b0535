package io.jengine.tensor;

import java.util.Arrays;

/** Arithmetic on concrete shapes: sizes, strides, numpy broadcasting, axis normalisation. */
public final class Shapes {
    private Shapes() {}

    public static long size(long[] shape) {
        long n = 1;
        for (long d : shape) n = Math.multiplyExact(n, d);
        return n;
    }

    /** Row-major strides in elements. */
    public static long[] strides(long[] shape) {
        long[] s = new long[shape.length];
        long acc = 1;
        for (int i = shape.length - 1; i >= 0; i--) {
            s[i] = acc;
            acc *= shape[i];
        }
        return s;
    }

    /** The numpy broadcast of the given shapes, or an exception naming both shapes. */
    public static long[] broadcast(long[]... shapes) {
        int rank = 0;
        for (long[] s : shapes) rank = Math.max(rank, s.length);
        long[] out = new long[rank];
        Arrays.fill(out, 1);
        for (long[] s : shapes) {
            for (int i = 0; i < s.length; i++) {
                int o = rank - s.length + i;
                long d = s[i];
                if (out[o] == 1) out[o] = d;
                else if (d != 1 && d != out[o]) {
                    StringBuilder b = new StringBuilder();
                    for (long[] x : shapes) b.append(b.isEmpty() ? "" : " and ").append(format(x));
                    throw new IllegalArgumentException("shapes " + b + " cannot be broadcast together");
                }
            }
        }
        return out;
    }

    /**
     * Strides to read a tensor of shape {@code in} as if it had the (broadcast) shape {@code out}: broadcast axes get
     * stride 0.
     */
    public static long[] broadcastStrides(long[] in, long[] out) {
        long[] inStrides = strides(in);
        long[] s = new long[out.length];
        for (int i = 0; i < in.length; i++) {
            int o = out.length - in.length + i;
            s[o] = in[i] == 1 && out[o] != 1 ? 0 : inStrides[i];
        }
        return s;
    }

    /** Maps a possibly negative axis into [0, rank), or fails naming the allowed range. */
    public static int normalizeAxis(long axis, int rank) {
        if (axis < -rank || axis >= Math.max(rank, 1)) {
            throw new IllegalArgumentException("axis " + axis + " is out of range for rank " + rank);
        }
        return (int) (axis < 0 ? axis + rank : axis);
    }

    /**
     * The part of a shape the Shape op returns: dims [start, end) with negative values counted from the end and both
     * clamped into [0, rank] (end = rank when absent); empty when start is not before end.
     */
    public static long[] shapeSlice(long[] dims, long start, Long end) {
        int rank = dims.length;
        int a = clampIndex(start, rank), b = clampIndex(end == null ? rank : end, rank);
        return b > a ? java.util.Arrays.copyOfRange(dims, a, b) : new long[0];
    }

    private static int clampIndex(long i, int rank) {
        return (int) Math.max(0, Math.min(rank, i < 0 ? i + rank : i));
    }

    public static String format(long[] shape) {
        StringBuilder b = new StringBuilder("[");
        for (int i = 0; i < shape.length; i++) b.append(i == 0 ? "" : ",").append(shape[i]);
        return b.append(']').toString();
    }
}
