package io.jengine.infer;

import io.jengine.tensor.Dim;
import io.jengine.tensor.Shape;
import java.util.ArrayList;
import java.util.List;

/** Arithmetic on static dims that may be symbolic or unknown: broadcasting, products, convolution sizes. */
public final class DimMath {
    private DimMath() {}

    /** The numpy broadcast of static shapes; null when a rank is unknown; fails only on two different known sizes. */
    public static Shape broadcast(List<Shape> shapes) {
        int rank = 0;
        for (Shape s : shapes) {
            if (s == null) return null;
            rank = Math.max(rank, s.rank());
        }
        List<Dim> out = new ArrayList<>();
        for (int i = 0; i < rank; i++) {
            Dim acc = Dim.of(1);
            for (Shape s : shapes) {
                int j = i - (rank - s.rank());
                if (j < 0) continue;
                acc = broadcast(acc, s.dim(j), shapes);
            }
            out.add(acc);
        }
        return new Shape(out);
    }

    private static Dim broadcast(Dim a, Dim b, List<Shape> all) {
        if (a.isKnown() && a.value() == 1) return b;
        if (b.isKnown() && b.value() == 1) return a;
        if (a.isKnown() && b.isKnown()) {
            if (a.value() != b.value()) throw new IllegalArgumentException("shapes " + all + " cannot be broadcast");
            return a;
        }
        if (a.isKnown()) return a; // the other one must equal it (or be 1, which the known size absorbs)
        if (b.isKnown()) return b;
        if (a.isSymbolic() && a.equals(b)) return a;
        return Dim.unknown();
    }

    public static Dim mul(Dim a, Dim b) {
        if (a.isKnown() && b.isKnown()) return Dim.of(a.value() * b.value());
        if (a.isKnown() && a.value() == 1) return b;
        if (b.isKnown() && b.value() == 1) return a;
        return Dim.unknown();
    }

    /** Product of all dims of a shape from {@code from} (inclusive) to {@code to} (exclusive). */
    public static Dim product(Shape s, int from, int to) {
        Dim acc = Dim.of(1);
        for (int i = from; i < to; i++) acc = mul(acc, s.dim(i));
        return acc;
    }

    /**
     * Output size of a sliding window: floor or ceil((in + padBegin + padEnd - dilation*(k-1) - 1) / stride) + 1.
     */
    public static Dim window(Dim in, long k, long stride, long dilation, long padBegin, long padEnd, boolean ceil) {
        if (!in.isKnown()) return Dim.unknown();
        long span = in.value() + padBegin + padEnd - dilation * (k - 1) - 1;
        if (span < 0) throw new IllegalArgumentException("window of " + k + " (dilation " + dilation
                + ") does not fit in input size " + in.value() + " with pads " + padBegin + "+" + padEnd);
        long q = ceil ? Math.ceilDiv(span, stride) : Math.floorDiv(span, stride);
        if (ceil && q * stride >= in.value() + padBegin) q--; // a last window starting in the end padding is dropped
        return Dim.of(q + 1);
    }
}
