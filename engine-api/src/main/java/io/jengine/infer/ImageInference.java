package io.jengine.infer;

import io.jengine.ir.Dim;
import io.jengine.ir.Shape;
import io.jengine.ir.ValueType;
import io.jengine.tensor.DType;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Resampling, region and detection ops, transposed and integer convolutions. */
final class ImageInference {
    private ImageInference() {}

    static void register(InferenceRegistry r) {
        r.add("Resize", 10, c -> Arrays.asList(InferenceContext.tensor(c.elemType(0), Unknowns.sameRank(c.shape(0)))));
        r.add("Resize", 11, ImageInference::resize);
        r.addAll(7, c -> Arrays.asList(InferenceContext.tensor(c.elemType(0), Unknowns.sameRank(c.shape(0)))),
                "Upsample", "CenterCropPad", "MaxUnpool");
        r.add("GridSample", 16, c -> {
            Shape x = c.shape(0), g = c.shape(1);
            if (x == null || g == null || x.rank() != g.rank()) {
                return Arrays.asList(InferenceContext.tensor(c.elemType(0), x == null ? null : Unknowns.sameRank(x)));
            }
            List<Dim> out = new ArrayList<>(List.of(x.dim(0), x.dim(1)));
            out.addAll(g.dims().subList(1, g.rank() - 1));
            return Arrays.asList(InferenceContext.tensor(c.elemType(0), new Shape(out)));
        });
        r.add("AffineGrid", 20, c -> {
            long[] size = c.constantLongs(1);
            if (size == null || size.length < 3) {
                return Arrays.asList(InferenceContext.tensor(c.elemType(0), null));
            }
            List<Dim> out = new ArrayList<>();
            out.add(Dim.of(size[0]));
            for (int i = 2; i < size.length; i++) out.add(Dim.of(size[i]));
            out.add(Dim.of(size.length - 2));
            return Arrays.asList(InferenceContext.tensor(c.elemType(0), new Shape(out)));
        });
        r.add("RoiAlign", 10, c -> {
            Shape x = c.shape(0), rois = c.shape(1);
            Dim n = rois == null || rois.rank() != 2 ? Dim.unknown() : rois.dim(0);
            Dim ch = x == null || x.rank() != 4 ? Dim.unknown() : x.dim(1);
            return Arrays.asList(InferenceContext.tensor(c.elemType(0), new Shape(Arrays.asList(n, ch,
                    Dim.of(c.node().attrInt("output_height", 1)), Dim.of(c.node().attrInt("output_width", 1))))));
        });
        r.add("NonMaxSuppression", 10, c -> Arrays.asList(ValueType.tensor(DType.INT64, -1, 3)));
        r.add("ConvTranspose", 1, c -> conv(c, c.elemType(0), 0, 1, true));
        r.add("ConvInteger", 10, c -> conv(c, DType.INT32, 0, 1, false));
        r.add("QLinearConv", 10, c -> conv(c, c.hasInput(7) ? c.elemType(7) : null, 0, 3, false));
        r.add("MatMulInteger", 10, c -> Arrays.asList(InferenceContext.tensor(DType.INT32,
                NeuralNetInference.matmulShape(c.shape(0), c.shape(1)))));
        r.add("QLinearMatMul", 10, c -> Arrays.asList(InferenceContext.tensor(c.elemType(7),
                NeuralNetInference.matmulShape(c.shape(0), c.shape(3)))));
    }

    /** Resize from opset 11: explicit constant sizes over all axes give the shape; otherwise only the rank. */
    private static List<ValueType> resize(InferenceContext c) {
        Shape x = c.shape(0);
        long[] sizes = c.hasInput(3) ? c.constantLongs(3) : null;
        boolean allAxes = c.node().attrInts("axes", null) == null
                && "stretch".equals(c.node().attrString("keep_aspect_ratio_policy", "stretch"));
        if (sizes != null && allAxes && (x == null || sizes.length == x.rank())) {
            return Arrays.asList(InferenceContext.tensor(c.elemType(0), Shape.of(sizes)));
        }
        return Arrays.asList(InferenceContext.tensor(c.elemType(0), Unknowns.sameRank(x)));
    }

    /** [N, C_out, unknown spatial...]: batch and channels follow X and W; spatial sizes are left unknown. */
    private static List<ValueType> conv(InferenceContext c, DType t, int xi, int wi, boolean transposed) {
        Shape x = c.shape(xi), w = c.shape(wi);
        if (x == null || x.rank() < 3) return Arrays.asList(InferenceContext.tensor(t, x == null ? null : Unknowns.sameRank(x)));
        List<Dim> out = new ArrayList<>();
        out.add(x.dim(0));
        if (w == null || w.rank() != x.rank()) out.add(Dim.unknown());
        else if (transposed) out.add(DimMath.mul(w.dim(1), Dim.of(c.node().attrInt("group", 1))));
        else out.add(w.dim(0));
        for (int i = 2; i < x.rank(); i++) out.add(Dim.unknown());
        return Arrays.asList(InferenceContext.tensor(t, new Shape(out)));
    }
}
