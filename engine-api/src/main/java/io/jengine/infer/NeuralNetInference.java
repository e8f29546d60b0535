package io.jengine.infer;

import io.jengine.tensor.Dim;
import io.jengine.ir.Node;
import io.jengine.tensor.Shape;
import io.jengine.tensor.ValueType;
import io.jengine.tensor.Shapes;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Convolutions, pooling, matrix products, normalisations and reductions. */
final class NeuralNetInference {
    private NeuralNetInference() {}

    static void register(InferenceRegistry r) {
        r.add("Conv", 1, c -> window(c, true));
        r.addAll(1, c -> window(c, false), "MaxPool", "AveragePool", "LpPool");
        r.addAll(1, c -> {
            Shape s = c.shape(0);
            if (s == null) return Arrays.asList(InferenceContext.tensor(c.elemType(0), null));
            List<Dim> out = new ArrayList<>(s.dims().subList(0, Math.min(2, s.rank())));
            while (out.size() < s.rank()) out.add(Dim.of(1));
            return Arrays.asList(InferenceContext.tensor(c.elemType(0), new Shape(out)));
        }, "GlobalAveragePool", "GlobalMaxPool", "GlobalLpPool");
        r.add("Gemm", 1, c -> {
            Shape a = c.shape(0), b = c.shape(1);
            if (a == null || b == null) return Arrays.asList(InferenceContext.tensor(c.elemType(0), Shape.of(-1, -1)));
            if (a.rank() != 2 || b.rank() != 2) {
                throw new IllegalArgumentException("Gemm needs 2-D A and B, got " + a + " and " + b);
            }
            boolean ta = c.node().attrInt("transA", 0) != 0, tb = c.node().attrInt("transB", 0) != 0;
            Dim m = a.dim(ta ? 1 : 0), ka = a.dim(ta ? 0 : 1), kb = b.dim(tb ? 1 : 0), n = b.dim(tb ? 0 : 1);
            checkEqual(ka, kb, "inner dimensions of A " + a + " and B " + b);
            return Arrays.asList(InferenceContext.tensor(c.elemType(0), new Shape(Arrays.asList(m, n))));
        });
        r.add("MatMul", 1, NeuralNetInference::matmul);
        r.add("BatchNormalization", 1, ElementwiseInference::sameAsFirst);
        r.add("LayerNormalization", 17, ElementwiseInference::sameAsFirst);
        r.addAll(1, c -> reduce(c, c.node().attrInts("axes", null)), "ReduceSum", "ReduceMean", "ReduceMax",
                "ReduceMin", "ReduceProd", "ReduceL1", "ReduceL2", "ReduceLogSum", "ReduceLogSumExp", "ReduceSumSquare");
        r.add("ReduceSum", 13, c -> reduceInput(c));
        r.addAll(18, NeuralNetInference::reduceInput, "ReduceMean", "ReduceMax", "ReduceMin", "ReduceProd", "ReduceL1",
                "ReduceL2", "ReduceLogSum", "ReduceLogSumExp", "ReduceSumSquare");
    }

    private static void checkEqual(Dim a, Dim b, String what) {
        if (a.isKnown() && b.isKnown() && a.value() != b.value()) {
            throw new IllegalArgumentException(what + " differ: " + a + " vs " + b);
        }
    }

    /** Output shape of Conv (withWeights) or a pool: [N, C_out, spatial...]. */
    private static List<ValueType> window(InferenceContext c, boolean conv) {
        Shape x = c.shape(0);
        Node n = c.node();
        Shape w = conv ? c.shape(1) : null;
        if (x == null || x.rank() < 3) return Arrays.asList(InferenceContext.tensor(c.elemType(0), null));
        int spatial = x.rank() - 2;
        long[] kernel = n.attrInts("kernel_shape", null);
        if (kernel == null && w != null && w.rank() == x.rank()) {
            kernel = new long[spatial];
            for (int i = 0; i < spatial; i++) kernel[i] = w.dim(i + 2).value();
        }
        List<Dim> out = new ArrayList<>();
        out.add(x.dim(0));
        out.add(conv ? (w == null ? Dim.unknown() : w.dim(0)) : x.dim(1));
        String autoPad = n.attrString("auto_pad", "NOTSET");
        long[] strides = n.attrInts("strides", null), dil = n.attrInts("dilations", null), pads = n.attrInts("pads", null);
        boolean ceil = n.attrInt("ceil_mode", 0) != 0;
        requireLength("kernel_shape", kernel, spatial);
        requireLength("strides", strides, spatial);
        requireLength("dilations", dil, spatial);
        requireLength("pads", pads, 2 * spatial);
        for (int i = 0; i < spatial; i++) {
            Dim in = x.dim(i + 2);
            long k = kernel == null ? -1 : kernel[i];
            long s = strides == null ? 1 : strides[i], d = dil == null ? 1 : dil[i];
            if (k < 0 || !in.isKnown()) {
                out.add(Dim.unknown());
            } else if (autoPad.equals("SAME_UPPER") || autoPad.equals("SAME_LOWER")) {
                out.add(Dim.of(Math.ceilDiv(in.value(), s)));
            } else if (autoPad.equals("VALID")) {
                out.add(DimMath.window(in, k, s, d, 0, 0, ceil));
            } else {
                long pb = pads == null ? 0 : pads[i], pe = pads == null ? 0 : pads[i + spatial];
                out.add(DimMath.window(in, k, s, d, pb, pe, ceil));
            }
        }
        List<ValueType> res = new ArrayList<>();
        res.add(InferenceContext.tensor(c.elemType(0), new Shape(out)));
        if (n.outputs().size() > 1) res.add(InferenceContext.tensor(io.jengine.tensor.DType.INT64, new Shape(out)));
        return res;
    }

    /** A per-axis attribute must have one entry per spatial axis (pads: two): the input's rank says how many. */
    private static void requireLength(String attr, long[] v, int n) {
        if (v != null && v.length != n) {
            throw new IllegalArgumentException(attr + " has " + v.length + " entries, the input's " + (attr.equals("pads")
                    ? n / 2 + " spatial axes need " + n : n + " spatial axes need " + n));
        }
    }

    private static List<ValueType> matmul(InferenceContext c) {
        Shape a = c.shape(0), b = c.shape(1);
        if (a == null || b == null) return Arrays.asList(InferenceContext.tensor(c.elemType(0), null));
        if (a.rank() == 0 || b.rank() == 0) throw new IllegalArgumentException("MatMul operands must not be scalars");
        List<Dim> ad = new ArrayList<>(a.dims()), bd = new ArrayList<>(b.dims());
        boolean aVec = ad.size() == 1, bVec = bd.size() == 1;
        if (aVec) ad.addFirst(Dim.of(1));
        if (bVec) bd.add(Dim.of(1));
        checkEqual(ad.getLast(), bd.get(bd.size() - 2), "inner dimensions of " + a + " and " + b);
        Shape batch = DimMath.broadcast(Arrays.asList(new Shape(ad.subList(0, ad.size() - 2)),
                new Shape(bd.subList(0, bd.size() - 2))));
        List<Dim> out = new ArrayList<>(batch.dims());
        if (!aVec) out.add(ad.get(ad.size() - 2));
        if (!bVec) out.add(bd.getLast());
        return Arrays.asList(InferenceContext.tensor(c.elemType(0), new Shape(out)));
    }

    private static List<ValueType> reduceInput(InferenceContext c) {
        if (c.hasInput(1) && c.constant(1) == null) {
            Shape s = c.shape(0);
            boolean keep = c.node().attrInt("keepdims", 1) != 0;
            return Arrays.asList(InferenceContext.tensor(c.elemType(0),
                    s != null && keep ? TensorShapeInference.unknownDims(s.rank()) : null));
        }
        return reduce(c, c.hasInput(1) ? c.constantLongs(1) : null);
    }

    private static List<ValueType> reduce(InferenceContext c, long[] axes) {
        Shape s = c.shape(0);
        if (s == null) return Arrays.asList(InferenceContext.tensor(c.elemType(0), null));
        boolean keep = c.node().attrInt("keepdims", 1) != 0;
        boolean noop = c.node().attrInt("noop_with_empty_axes", 0) != 0;
        if ((axes == null || axes.length == 0) && noop) return Arrays.asList(c.type(0));
        boolean[] reduced = new boolean[s.rank()];
        if (axes == null || axes.length == 0) java.util.Arrays.fill(reduced, true);
        else for (long a : axes) reduced[Shapes.normalizeAxis(a, s.rank())] = true;
        List<Dim> out = new ArrayList<>();
        for (int i = 0; i < s.rank(); i++) {
            if (!reduced[i]) out.add(s.dim(i));
            else if (keep) out.add(Dim.of(1));
        }
        return Arrays.asList(InferenceContext.tensor(c.elemType(0), new Shape(out)));
    }
}
