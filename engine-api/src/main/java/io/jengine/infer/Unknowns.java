package io.jengine.infer;

import io.jengine.ir.Dim;
import io.jengine.ir.Shape;
import io.jengine.ir.ValueType;
import io.jengine.tensor.DType;
import java.util.ArrayList;
import java.util.List;

/** Partial answers for rules that know an output's element type or rank but not all of its sizes. */
final class Unknowns {
    private Unknowns() {}

    /** One output per node output, each of element type {@code t} and unknown shape. */
    static List<ValueType> typed(InferenceContext c, DType t) {
        List<ValueType> out = new ArrayList<>();
        for (int i = 0; i < c.node().outputs().size(); i++) out.add(InferenceContext.tensor(t, null));
        return out;
    }

    /** One null entry per node output: nothing can be said statically. */
    static List<ValueType> none(InferenceContext c) {
        List<ValueType> out = new ArrayList<>();
        for (int i = 0; i < c.node().outputs().size(); i++) out.add(null);
        return out;
    }

    /** A shape of {@code s}'s rank with every dim unknown; null when {@code s} is. */
    static Shape sameRank(Shape s) { return s == null ? null : TensorShapeInference.unknownDims(s.rank()); }

    /** {@code s} with dim {@code axis} (may be negative) made unknown; null when {@code s} is or the axis is bad. */
    static Shape unknownAt(Shape s, long axis) {
        if (s == null) return null;
        long a = axis < 0 ? axis + s.rank() : axis;
        if (a < 0 || a >= s.rank()) throw new IllegalArgumentException("axis " + axis + " is out of range for rank " + s.rank());
        List<Dim> d = new ArrayList<>(s.dims());
        d.set((int) a, Dim.unknown());
        return new Shape(d);
    }

    /** A shape from known dims, unknown entries given as null. */
    static Shape of(List<Dim> dims) {
        List<Dim> d = new ArrayList<>();
        for (Dim x : dims) d.add(x == null ? Dim.unknown() : x);
        return new Shape(d);
    }
}
