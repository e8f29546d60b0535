package io.jengine.infer;

import io.jengine.ir.Attribute;
import io.jengine.tensor.Dim;
import io.jengine.tensor.Shape;
import io.jengine.tensor.ValueType;
import io.jengine.tensor.DType;
import io.jengine.tensor.Shapes;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Split, GatherND, OneHot, Compress, Unique, CenterCropPad, Einsum, Det, the integer matrix products, the losses, the
 * string ops, the random generators and BitCast.
 */
final class DataOpInference {
    private DataOpInference() {}

    static void register(InferenceRegistry r) {
        r.add("Split", 1, DataOpInference::split);
        r.add("GatherND", 11, c -> {
            Shape data = c.shape(0), idx = c.shape(1);
            int batch = (int) c.node().attrInt("batch_dims", 0);
            if (data == null || idx == null || !idx.dim(idx.rank() - 1).isKnown()) {
                return Arrays.asList(InferenceContext.tensor(c.elemType(0), null));
            }
            int k = (int) idx.dim(idx.rank() - 1).value();
            List<Dim> out = new ArrayList<>(idx.dims().subList(0, idx.rank() - 1));
            if (batch + k > data.rank()) throw new IllegalArgumentException("indices address " + (batch + k) + " axes of a rank-" + data.rank() + " tensor");
            out.addAll(data.dims().subList(batch + k, data.rank()));
            return List.of(new ValueType.TensorType(c.elemType(0), new Shape(out)));
        });
        r.add("OneHot", 9, c -> {
            Shape idx = c.shape(0);
            long[] depth = c.constant(1) == null ? null : new long[] {(long) c.constant(1).getDouble(0)};
            if (idx == null) return Arrays.asList(InferenceContext.tensor(c.elemType(2), null));
            int rank = idx.rank() + 1;
            int axis = Shapes.normalizeAxis(c.node().attrInt("axis", -1), rank);
            List<Dim> out = new ArrayList<>(idx.dims());
            out.add(axis, depth == null ? Dim.unknown() : Dim.of(depth[0]));
            return List.of(new ValueType.TensorType(c.elemType(2), new Shape(out)));
        });
        r.add("Compress", 9, c -> {
            Shape x = c.shape(0);
            if (!c.node().hasAttr("axis") || x == null) return Arrays.asList(InferenceContext.tensor(c.elemType(0), Shape.of(-1)));
            List<Dim> out = new ArrayList<>(x.dims());
            out.set(Shapes.normalizeAxis(c.node().attrInt("axis", 0), x.rank()), Dim.unknown());
            return List.of(new ValueType.TensorType(c.elemType(0), new Shape(out)));
        });
        r.add("Unique", 11, c -> {
            Shape x = c.shape(0);
            ValueType y = InferenceContext.tensor(c.elemType(0), !c.node().hasAttr("axis") ? Shape.of(-1)
                    : x == null ? null : TensorShapeInference.unknownDims(x.rank()));
            ValueType idx = ValueType.tensor(DType.INT64, -1);
            return List.of(y, idx, idx, idx);
        });
        r.add("CenterCropPad", 18, c -> {
            Shape x = c.shape(0);
            long[] shape = c.constantLongs(1);
            if (x == null || shape == null) return Arrays.asList(InferenceContext.tensor(c.elemType(0), null));
            long[] axes = c.node().attrInts("axes", null);
            List<Dim> out = new ArrayList<>(x.dims());
            for (int i = 0; i < shape.length; i++) out.set(Shapes.normalizeAxis(axes == null ? i : axes[i], x.rank()), Dim.of(shape[i]));
            return List.of(new ValueType.TensorType(c.elemType(0), new Shape(out)));
        });
        r.add("Einsum", 12, c -> Arrays.asList(InferenceContext.tensor(c.elemType(0), null)));
        r.add("Det", 11, c -> {
            Shape x = c.shape(0);
            return Arrays.asList(InferenceContext.tensor(c.elemType(0), x == null || x.rank() < 2 ? null
                    : new Shape(x.dims().subList(0, x.rank() - 2))));
        });
        r.add("MatMulInteger", 10, c -> ImageSignalInference.retyped(r.find("", "MatMul", Integer.MAX_VALUE).infer(c), DType.INT32));
        r.add("QLinearMatMul", 10, c -> {
            InferenceContext mm = new InferenceContext(c.node(), c.opset(), Arrays.asList(c.type(0), c.type(3)),
                    Arrays.asList(c.constant(0), c.constant(3)));
            return ImageSignalInference.retyped(r.find("", "MatMul", Integer.MAX_VALUE).infer(mm), c.elemType(7));
        });
        r.add("NegativeLogLikelihoodLoss", 12, c -> List.of(loss(c)));
        r.add("SoftmaxCrossEntropyLoss", 12, c -> {
            List<ValueType> out = new ArrayList<>(List.of(loss(c)));
            if (c.node().outputs().size() > 1) out.add(c.type(0));
            return out;
        });
        r.add("StringConcat", 20, c -> Arrays.asList(InferenceContext.tensor(DType.STRING,
                DimMath.broadcast(Arrays.asList(c.shape(0), c.shape(1))))));
        r.add("RegexFullMatch", 20, c -> Arrays.asList(InferenceContext.tensor(DType.BOOL, c.shape(0))));
        r.add("StringSplit", 20, c -> {
            Shape x = c.shape(0);
            Shape y = x == null ? null : new Shape(concat(x.dims(), Dim.unknown()));
            return List.of(new ValueType.TensorType(DType.STRING, y), new ValueType.TensorType(DType.INT64, x));
        });
        r.add("StringNormalizer", 10, c -> List.of(new ValueType.TensorType(DType.STRING,
                c.rank(0) == 2 ? Shape.of(1, -1) : Shape.of(-1))));
        r.add("TfIdfVectorizer", 9, c -> List.of(new ValueType.TensorType(DType.FLOAT32,
                c.rank(0) == 2 ? new Shape(List.of(c.shape(0).dim(0), Dim.unknown())) : Shape.of(-1))));
        r.addAll(1, c -> {
            long[] shape = c.node().attrInts("shape", null);
            return Arrays.asList(InferenceContext.tensor(dtype(c, DType.FLOAT32), shape == null ? null : Shape.of(shape)));
        }, "RandomUniform", "RandomNormal");
        r.addAll(1, c -> Arrays.asList(InferenceContext.tensor(dtype(c, c.elemType(0)), c.shape(0))),
                "RandomUniformLike", "RandomNormalLike", "Bernoulli");
        r.add("Multinomial", 7, c -> {
            Shape x = c.shape(0);
            long n = c.node().attrInt("sample_size", 1);
            return List.of(new ValueType.TensorType(dtype(c, DType.INT32), x == null ? null : new Shape(List.of(x.dim(0), Dim.of(n)))));
        });
        r.add("BitCast", 26, c -> {
            Attribute to = c.node().attr("to");
            return Arrays.asList(InferenceContext.tensor(to == null ? null : DType.fromOnnx((int) to.asInt()), c.shape(0)));
        });
    }

    private static DType dtype(InferenceContext c, DType dflt) {
        long dt = c.node().attrInt("dtype", -1);
        return dt < 0 ? dflt : DType.fromOnnx((int) dt);
    }

    private static List<Dim> concat(List<Dim> a, Dim b) {
        List<Dim> out = new ArrayList<>(a);
        out.add(b);
        return out;
    }

    /** reduction none keeps the target's shape; sum and mean give a scalar. */
    private static ValueType loss(InferenceContext c) {
        boolean none = c.node().attrString("reduction", "mean").equals("none");
        return InferenceContext.tensor(c.elemType(0), none ? c.shape(1) : Shape.of());
    }

    private static List<ValueType> split(InferenceContext c) {
        int outs = c.node().outputs().size();
        Shape x = c.shape(0);
        List<ValueType> res = new ArrayList<>();
        if (x == null) {
            for (int i = 0; i < outs; i++) res.add(InferenceContext.tensor(c.elemType(0), null));
            return res;
        }
        int axis = Shapes.normalizeAxis(c.node().attrInt("axis", 0), x.rank());
        long[] sizes = c.hasInput(1) ? c.constantLongs(1) : c.node().attrInts("split", null);
        Dim d = x.dim(axis);
        for (int i = 0; i < outs; i++) {
            List<Dim> dims = new ArrayList<>(x.dims());
            Dim part = Dim.unknown();
            if (sizes != null && i < sizes.length) part = Dim.of(sizes[i]);
            else if (sizes == null && !c.hasInput(1) && d.isKnown()) {
                long chunk = c.node().hasAttr("num_outputs") ? Math.ceilDiv(d.value(), outs) : d.value() / outs;
                part = Dim.of(Math.max(0, Math.min(chunk, d.value() - chunk * i)));
            }
            dims.set(axis, part);
            res.add(new ValueType.TensorType(c.elemType(0), new Shape(dims)));
        }
        return res;
    }
}
