package io.jengine.infer;

import io.jengine.tensor.Dim;
import io.jengine.tensor.Shape;
import io.jengine.tensor.ValueType;
import io.jengine.tensor.DType;
import io.jengine.tensor.Shapes;
import io.jengine.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Ops that move data without computing on it, and ops whose output shape is data (Shape, Reshape, Gather ...). */
final class TensorShapeInference {
    private TensorShapeInference() {}

    static void register(InferenceRegistry r) {
        r.add("Constant", 1, c -> {
            Tensor v = c.node().attrTensor("value");
            return v == null ? null : Arrays.asList(ValueType.tensor(v.dtype(), v.shape()));
        });
        r.add("Shape", 1, c -> {
            int rank = c.rank(0);
            if (rank < 0) return Arrays.asList(ValueType.tensor(DType.INT64, Shape.of(-1)));
            long[] positions = new long[rank]; // only the length of the slice matters here
            Long end = c.node().hasAttr("end") ? c.node().attrInt("end", rank) : null;
            long length = Shapes.shapeSlice(positions, c.node().attrInt("start", 0), end).length;
            return Arrays.asList(ValueType.tensor(DType.INT64, length));
        });
        r.add("Size", 1, c -> Arrays.asList(ValueType.tensor(DType.INT64)));
        r.add("Reshape", 1, c -> reshape(c, c.node().attrInts("shape", null)));
        r.add("Reshape", 5, c -> reshape(c, c.constantLongs(1)));
        r.add("Flatten", 1, c -> {
            Shape s = c.shape(0);
            if (s == null) return Arrays.asList(InferenceContext.tensor(c.elemType(0), Shape.of(-1, -1)));
            long a = c.node().attrInt("axis", 1);
            if (a < -s.rank() || a > s.rank()) {
                throw new IllegalArgumentException("axis " + a + " is out of range for rank " + s.rank());
            }
            int axis = (int) (a < 0 ? a + s.rank() : a);
            return Arrays.asList(InferenceContext.tensor(c.elemType(0), new Shape(Arrays.asList(DimMath.product(s, 0, axis),
                    DimMath.product(s, axis, s.rank())))));
        });
        r.add("Transpose", 1, c -> {
            Shape s = c.shape(0);
            if (s == null) return Arrays.asList(InferenceContext.tensor(c.elemType(0), null));
            long[] perm = c.node().attrInts("perm", null);
            List<Dim> out = new ArrayList<>();
            for (int i = 0; i < s.rank(); i++) {
                long p = perm == null ? s.rank() - 1 - i : perm[i];
                if (p < 0 || p >= s.rank()) throw new IllegalArgumentException("perm " + Arrays.toString(perm)
                        + " is not a permutation of rank " + s.rank());
                out.add(s.dim((int) p));
            }
            return Arrays.asList(InferenceContext.tensor(c.elemType(0), new Shape(out)));
        });
        r.add("Concat", 1, c -> {
            Shape first = c.shape(0);
            if (first == null) return Arrays.asList(InferenceContext.tensor(c.elemType(0), null));
            int axis = Shapes.normalizeAxis(c.node().attrInt("axis", 0), first.rank());
            List<Dim> out = new ArrayList<>(first.dims());
            Dim sum = Dim.of(0);
            for (int i = 0; i < c.inputCount(); i++) {
                Shape s = c.shape(i);
                if (s == null) return Arrays.asList(InferenceContext.tensor(c.elemType(0), unknownDims(first.rank())));
                if (s.rank() != first.rank()) throw new IllegalArgumentException("input " + i + " has rank "
                        + s.rank() + ", input 0 has rank " + first.rank());
                Dim d = s.dim(axis);
                sum = sum.isKnown() && d.isKnown() ? Dim.of(sum.value() + d.value()) : Dim.unknown();
            }
            out.set(axis, sum);
            return Arrays.asList(InferenceContext.tensor(c.elemType(0), new Shape(out)));
        });
        r.add("Unsqueeze", 1, c -> unsqueeze(c, c.node().attrInts("axes", null)));
        r.add("Unsqueeze", 13, c -> unsqueeze(c, c.constantLongs(1)));
        r.add("Squeeze", 1, c -> squeeze(c, c.node().attrInts("axes", null), true));
        r.add("Squeeze", 13, c -> squeeze(c, c.constantLongs(1), c.hasInput(1)));
        r.add("Gather", 1, c -> {
            Shape data = c.shape(0), idx = c.shape(1);
            if (data == null || idx == null) return Arrays.asList(InferenceContext.tensor(c.elemType(0), null));
            int axis = Shapes.normalizeAxis(c.node().attrInt("axis", 0), data.rank());
            List<Dim> out = new ArrayList<>(data.dims().subList(0, axis));
            out.addAll(idx.dims());
            out.addAll(data.dims().subList(axis + 1, data.rank()));
            return Arrays.asList(InferenceContext.tensor(c.elemType(0), new Shape(out)));
        });
        r.add("ConstantOfShape", 9, c -> {
            Tensor v = c.node().attrTensor("value");
            DType t = v == null ? DType.FLOAT32 : v.dtype();
            long[] dims = c.constantLongs(0);
            if (dims != null) return Arrays.asList(ValueType.tensor(t, dims));
            Shape s = c.shape(0);
            return Arrays.asList(InferenceContext.tensor(t, s != null && s.dim(0).isKnown()
                    ? unknownDims((int) s.dim(0).value()) : null));
        });
        r.add("Expand", 8, c -> {
            long[] dims = c.constantLongs(1);
            if (dims == null || c.shape(0) == null) return Arrays.asList(InferenceContext.tensor(c.elemType(0), null));
            return Arrays.asList(InferenceContext.tensor(c.elemType(0), DimMath.broadcast(Arrays.asList(c.shape(0), Shape.of(dims)))));
        });
        r.add("Range", 11, c -> Arrays.asList(InferenceContext.tensor(c.elemType(0), Shape.of(-1))));
        r.add("Dropout", 1, c -> {
            List<ValueType> out = new ArrayList<>(Arrays.asList(c.type(0)));
            if (c.node().outputs().size() > 1) out.add(InferenceContext.tensor(DType.BOOL, c.shape(0)));
            return out;
        });
        r.addAll(1, TensorShapeInference::argReduce, "ArgMax", "ArgMin");
    }

    static Shape unknownDims(int rank) {
        long[] d = new long[rank];
        Arrays.fill(d, -1);
        return Shape.of(d);
    }

    private static List<ValueType> reshape(InferenceContext c, long[] target) {
        DType t = c.elemType(0);
        if (target == null) {
            Shape ts = c.opset() >= 5 ? c.shape(1) : null;
            return Arrays.asList(InferenceContext.tensor(t, ts != null && ts.dim(0).isKnown()
                    ? unknownDims((int) ts.dim(0).value()) : null));
        }
        Shape in = c.shape(0);
        boolean allowZero = c.node().attrInt("allowzero", 0) != 0;
        List<Dim> out = new ArrayList<>();
        int inferred = -1;
        for (int i = 0; i < target.length; i++) {
            long d = target[i];
            if (d == -1) {
                if (inferred >= 0) throw new IllegalArgumentException("shape " + Arrays.toString(target)
                        + " has more than one -1");
                inferred = i;
                out.add(Dim.unknown());
            } else if (d == 0 && !allowZero) {
                if (in == null || i >= in.rank()) {
                    if (in != null) throw new IllegalArgumentException("shape " + Arrays.toString(target)
                            + " copies dimension " + i + " of an input of rank " + in.rank());
                    out.add(Dim.unknown());
                } else {
                    out.add(in.dim(i));
                }
            } else if (d < -1) {
                throw new IllegalArgumentException("shape " + Arrays.toString(target) + " has a negative dimension");
            } else {
                out.add(Dim.of(d));
            }
        }
        if (inferred >= 0 && in != null && in.isFullyKnown()) {
            long total = Shapes.size(in.toArray()), rest = 1;
            boolean known = true;
            for (int i = 0; i < out.size(); i++) {
                if (i == inferred) continue;
                if (!out.get(i).isKnown()) known = false; else rest *= out.get(i).value();
            }
            if (known && rest != 0) {
                if (total % rest != 0) throw new IllegalArgumentException("cannot reshape " + in + " to "
                        + Arrays.toString(target));
                out.set(inferred, Dim.of(total / rest));
            }
        }
        return Arrays.asList(InferenceContext.tensor(t, new Shape(out)));
    }

    private static List<ValueType> unsqueeze(InferenceContext c, long[] axes) {
        Shape s = c.shape(0);
        if (axes == null || s == null) return Arrays.asList(InferenceContext.tensor(c.elemType(0), null));
        int rank = s.rank() + axes.length;
        boolean[] inserted = new boolean[rank];
        for (long a : axes) {
            int ax = Shapes.normalizeAxis(a, rank);
            if (inserted[ax]) throw new IllegalArgumentException("axes " + Arrays.toString(axes) + " repeat an axis");
            inserted[ax] = true;
        }
        List<Dim> out = new ArrayList<>();
        int j = 0;
        for (int i = 0; i < rank; i++) out.add(inserted[i] ? Dim.of(1) : s.dim(j++));
        return Arrays.asList(InferenceContext.tensor(c.elemType(0), new Shape(out)));
    }

    private static List<ValueType> squeeze(InferenceContext c, long[] axes, boolean axesGiven) {
        Shape s = c.shape(0);
        if (s == null || (axesGiven && axes == null)) return Arrays.asList(InferenceContext.tensor(c.elemType(0), null));
        List<Dim> out = new ArrayList<>();
        boolean[] drop = new boolean[s.rank()];
        if (axes != null) {
            for (long a : axes) drop[Shapes.normalizeAxis(a, s.rank())] = true;
        } else {
            for (int i = 0; i < s.rank(); i++) {
                if (!s.dim(i).isKnown()) return Arrays.asList(InferenceContext.tensor(c.elemType(0), null));
                drop[i] = s.dim(i).value() == 1;
            }
        }
        for (int i = 0; i < s.rank(); i++) {
            if (drop[i] && s.dim(i).isKnown() && s.dim(i).value() != 1) {
                throw new IllegalArgumentException("cannot squeeze axis " + i + " of size " + s.dim(i).value());
            }
            if (!drop[i]) out.add(s.dim(i));
        }
        return Arrays.asList(InferenceContext.tensor(c.elemType(0), new Shape(out)));
    }

    private static List<ValueType> argReduce(InferenceContext c) {
        Shape s = c.shape(0);
        if (s == null) return Arrays.asList(InferenceContext.tensor(DType.INT64, null));
        int axis = Shapes.normalizeAxis(c.node().attrInt("axis", 0), s.rank());
        boolean keep = c.node().attrInt("keepdims", 1) != 0;
        List<Dim> out = new ArrayList<>(s.dims());
        if (keep) out.set(axis, Dim.of(1)); else out.remove(axis);
        return Arrays.asList(InferenceContext.tensor(DType.INT64, new Shape(out)));
    }
}
