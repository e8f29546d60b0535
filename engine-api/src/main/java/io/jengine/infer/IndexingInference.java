package io.jengine.infer;

import io.jengine.tensor.Dim;
import io.jengine.tensor.Shape;
import io.jengine.tensor.ValueType;
import io.jengine.tensor.DType;
import io.jengine.tensor.Shapes;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Slicing, tiling, padding, gathers and scatters, top-k and other index-driven ops. */
final class IndexingInference {
    private IndexingInference() {}

    static void register(InferenceRegistry r) {
        r.addAll(1, c -> Arrays.asList(c.type(0)), "ScatterElements", "Scatter", "ScatterND", "ReverseSequence",
                "TensorScatter");
        r.add("GatherElements", 11, c -> Arrays.asList(InferenceContext.tensor(c.elemType(0), c.shape(1))));
        r.add("Slice", 1, c -> slice(c, c.node().attrInts("starts", null), c.node().attrInts("ends", null),
                c.node().attrInts("axes", null), null, false));
        r.add("Slice", 10, c -> slice(c, c.constantLongs(1), c.constantLongs(2), c.hasInput(3) ? c.constantLongs(3) : null,
                c.hasInput(4) ? c.constantLongs(4) : null, (c.hasInput(3) && c.constant(3) == null)
                        || (c.hasInput(4) && c.constant(4) == null)));
        r.add("Tile", 1, c -> Arrays.asList(InferenceContext.tensor(c.elemType(0),
                c.shape(0) == null ? null : TensorShapeInference.unknownDims(c.shape(0).rank()))));
        r.add("Tile", 6, c -> {
            Shape s = c.shape(0);
            long[] reps = c.constantLongs(1);
            if (s == null) return Arrays.asList(InferenceContext.tensor(c.elemType(0), null));
            if (reps == null) return Arrays.asList(InferenceContext.tensor(c.elemType(0), TensorShapeInference.unknownDims(s.rank())));
            if (reps.length != s.rank()) throw new IllegalArgumentException("repeats has " + reps.length
                    + " entries for an input of rank " + s.rank());
            List<Dim> out = new ArrayList<>();
            for (int i = 0; i < s.rank(); i++) out.add(DimMath.mul(s.dim(i), Dim.of(reps[i])));
            return Arrays.asList(InferenceContext.tensor(c.elemType(0), new Shape(out)));
        });
        r.add("Pad", 1, c -> pad(c, c.node().attrInts(c.node().hasAttr("pads") ? "pads" : "paddings", null), false));
        r.add("Pad", 11, c -> pad(c, c.constantLongs(1), c.hasInput(3)));
        r.add("TopK", 1, c -> topK(c, c.node().attrInt("k", 1)));
        r.add("TopK", 10, c -> topK(c, c.constantLongs(1) == null ? -1 : c.constantLongs(1)[0]));
        r.add("NonZero", 9, c -> Arrays.asList(ValueType.tensor(DType.INT64, c.rank(0), -1)));
        r.add("Trilu", 14, c -> Arrays.asList(c.type(0)));
        r.add("EyeLike", 9, c -> {
            long dt = c.node().attrInt("dtype", -1);
            return Arrays.asList(InferenceContext.tensor(dt < 0 ? c.elemType(0) : DType.fromOnnx((int) dt), c.shape(0)));
        });
        r.add("DepthToSpace", 1, c -> blocks(c, true));
        r.add("SpaceToDepth", 1, c -> blocks(c, false));
    }

    private static List<ValueType> pad(InferenceContext c, long[] pads, boolean axesGiven) {
        Shape s = c.shape(0);
        if (s == null) return Arrays.asList(InferenceContext.tensor(c.elemType(0), null));
        if (pads == null || axesGiven) {
            return Arrays.asList(InferenceContext.tensor(c.elemType(0), TensorShapeInference.unknownDims(s.rank())));
        }
        if (pads.length != 2 * s.rank()) throw new IllegalArgumentException("pads has " + pads.length
                + " entries, expected " + 2 * s.rank());
        List<Dim> out = new ArrayList<>();
        for (int i = 0; i < s.rank(); i++) {
            Dim d = s.dim(i);
            out.add(d.isKnown() ? Dim.of(d.value() + pads[i] + pads[i + s.rank()]) : Dim.unknown());
        }
        return Arrays.asList(InferenceContext.tensor(c.elemType(0), new Shape(out)));
    }

    private static List<ValueType> blocks(InferenceContext c, boolean toSpace) {
        Shape s = c.shape(0);
        if (s == null || s.rank() != 4) return Arrays.asList(InferenceContext.tensor(c.elemType(0), null));
        long b = c.node().attrInt("blocksize", 1);
        Dim ch = s.dim(1), h = s.dim(2), w = s.dim(3);
        List<Dim> out = Arrays.asList(s.dim(0),
                ch.isKnown() ? Dim.of(toSpace ? ch.value() / (b * b) : ch.value() * b * b) : Dim.unknown(),
                h.isKnown() ? Dim.of(toSpace ? h.value() * b : h.value() / b) : Dim.unknown(),
                w.isKnown() ? Dim.of(toSpace ? w.value() * b : w.value() / b) : Dim.unknown());
        return Arrays.asList(InferenceContext.tensor(c.elemType(0), new Shape(out)));
    }

    /** Slice with constant starts/ends/axes/steps: numpy slicing semantics with ONNX's clamping. */
    private static List<ValueType> slice(InferenceContext c, long[] starts, long[] ends, long[] axes, long[] steps,
                                         boolean unknownInputs) {
        Shape s = c.shape(0);
        if (s == null) return Arrays.asList(InferenceContext.tensor(c.elemType(0), null));
        if (starts == null || ends == null || unknownInputs) {
            return Arrays.asList(InferenceContext.tensor(c.elemType(0), TensorShapeInference.unknownDims(s.rank())));
        }
        List<Dim> out = new ArrayList<>(s.dims());
        for (int i = 0; i < starts.length; i++) {
            int axis = Shapes.normalizeAxis(axes == null ? i : axes[i], s.rank());
            long step = steps == null ? 1 : steps[i];
            if (step == 0) throw new IllegalArgumentException("slice step is 0 on axis " + axis);
            Dim d = s.dim(axis);
            if (!d.isKnown()) { out.set(axis, Dim.unknown()); continue; }
            long n = d.value();
            if (n == 0) { out.set(axis, Dim.of(0)); continue; }
            long st = clamp(starts[i] < 0 ? starts[i] + n : starts[i], 0, step > 0 ? n : n - 1);
            long en = clamp(ends[i] < 0 ? ends[i] + n : ends[i], step > 0 ? 0 : -1, step > 0 ? n : n - 1);
            long len = step > 0 ? Math.max(0, Math.ceilDiv(en - st, step)) : Math.max(0, Math.ceilDiv(st - en, -step));
            out.set(axis, Dim.of(len));
        }
        return Arrays.asList(InferenceContext.tensor(c.elemType(0), new Shape(out)));
    }

    private static List<ValueType> topK(InferenceContext c, long k) {
        Shape s = c.shape(0);
        if (s == null) return Arrays.asList(InferenceContext.tensor(c.elemType(0), null), InferenceContext.tensor(DType.INT64, null));
        int axis = Shapes.normalizeAxis(c.node().attrInt("axis", -1), s.rank());
        List<Dim> out = new ArrayList<>(s.dims());
        out.set(axis, k < 0 ? Dim.unknown() : Dim.of(k));
        return Arrays.asList(InferenceContext.tensor(c.elemType(0), new Shape(out)), InferenceContext.tensor(DType.INT64, new Shape(out)));
    }

    private static long clamp(long v, long lo, long hi) { return Math.max(lo, Math.min(hi, v)); }
}
