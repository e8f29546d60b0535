package io.jengine.infer;

import io.jengine.ir.Dim;
import io.jengine.ir.Shape;
import io.jengine.ir.ValueType;
import io.jengine.tensor.DType;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Selection, linear algebra and early-opset forms whose output sizes depend on data or on old attributes. */
final class MiscInference {
    private MiscInference() {}

    static void register(InferenceRegistry r) {
        r.add("BitCast", 26, c -> Unknowns.typed(c, DType.fromOnnx((int) c.node().attrInt("to", 0))));
        r.add("Compress", 11, c -> {
            Long axis = c.node().attr("axis") == null ? null : c.node().attrInt("axis", 0);
            Shape s = axis == null ? Shape.of(-1) : Unknowns.unknownAt(c.shape(0), axis);
            return Arrays.asList(InferenceContext.tensor(c.elemType(0), s));
        });
        r.add("Det", 11, c -> {
            Shape s = c.shape(0);
            if (s != null && s.rank() < 2) throw new IllegalArgumentException("Det input must have rank >= 2, got " + s);
            return Arrays.asList(InferenceContext.tensor(c.elemType(0), s == null ? null : new Shape(s.dims().subList(0, s.rank() - 2))));
        });
        r.add("Einsum", 12, c -> Unknowns.typed(c, c.elemType(0)));
        r.add("GatherND", 11, c -> {
            Shape d = c.shape(0), ix = c.shape(1);
            int b = (int) c.node().attrInt("batch_dims", 0);
            if (d == null || ix == null || ix.rank() == 0 || !ix.dim(ix.rank() - 1).isKnown()) {
                return Arrays.asList(InferenceContext.tensor(c.elemType(0), null));
            }
            long k = ix.dim(ix.rank() - 1).value();
            if (b + k > d.rank()) {
                throw new IllegalArgumentException("GatherND indices' last dim " + k + " plus batch_dims " + b
                        + " exceeds data rank " + d.rank());
            }
            List<Dim> out = new ArrayList<>(ix.dims().subList(0, ix.rank() - 1));
            out.addAll(d.dims().subList((int) (b + k), d.rank()));
            return Arrays.asList(InferenceContext.tensor(c.elemType(0), new Shape(out)));
        });
        r.add("OneHot", 9, c -> {
            Shape s = c.shape(0);
            if (s == null) return Arrays.asList(InferenceContext.tensor(c.elemType(2), null));
            long axis = c.node().attrInt("axis", -1);
            int rank = s.rank() + 1;
            long a = axis < 0 ? axis + rank : axis;
            if (a < 0 || a >= rank) throw new IllegalArgumentException("OneHot axis " + axis + " is out of range for output rank " + rank);
            List<Dim> out = new ArrayList<>(s.dims());
            out.add((int) a, Dim.unknown());
            return Arrays.asList(InferenceContext.tensor(c.elemType(2), new Shape(out)));
        });
        r.addAll(1, c -> Arrays.asList(InferenceContext.tensor(c.elemType(0), Unknowns.sameRank(c.shape(0)))), "Pad", "Slice");
        r.add("Reshape", 1, c -> {
            long[] shape = c.node().attrInts("shape", null);
            return Arrays.asList(InferenceContext.tensor(c.elemType(0), shape == null ? null : Unknowns.sameRank(Shape.of(shape))));
        });
        r.add("Split", 1, c -> {
            Shape s = c.shape(0);
            List<ValueType> out = new ArrayList<>();
            Shape each = s == null ? null : Unknowns.unknownAt(s, c.node().attrInt("axis", 0));
            for (int i = 0; i < c.node().outputs().size(); i++) out.add(InferenceContext.tensor(c.elemType(0), each));
            return out;
        });
        r.add("TopK", 1, c -> {
            Shape s = c.shape(0);
            Shape each = s == null ? null : Unknowns.unknownAt(s, c.node().attrInt("axis", -1));
            return Arrays.asList(InferenceContext.tensor(c.elemType(0), each), InferenceContext.tensor(DType.INT64, each));
        });
        r.add("Unique", 11, c -> {
            var axisAttr = c.node().attr("axis");
            Shape y = axisAttr == null ? Shape.of(-1) : Unknowns.unknownAt(c.shape(0), c.node().attrInt("axis", 0));
            List<ValueType> out = new ArrayList<>();
            out.add(InferenceContext.tensor(c.elemType(0), y));
            for (int i = 1; i < c.node().outputs().size(); i++) out.add(ValueType.tensor(DType.INT64, -1));
            return out;
        });
        r.add("Scan", 8, Unknowns::none);
        r.add("SequenceMap", 17, Unknowns::none);
    }
}
