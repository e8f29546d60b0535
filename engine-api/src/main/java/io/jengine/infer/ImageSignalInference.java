package io.jengine.infer;

import io.jengine.tensor.Dim;
import io.jengine.tensor.Shape;
import io.jengine.tensor.ValueType;
import io.jengine.tensor.DType;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Resizing, sampling and signal ops, and the convolution variants not covered by the Conv rule: ConvTranspose,
 * ConvInteger, QLinearConv, DeformConv. Sizes that depend on non-constant inputs stay unknown.
 */
final class ImageSignalInference {
    private ImageSignalInference() {}

    static void register(InferenceRegistry r) {
        r.add("Resize", 10, c -> resize(c, c.constant(1) != null ? c.constant(1).toDoubleArray() : null, null, null));
        r.add("Resize", 11, c -> {
            double[] scales = c.hasInput(2) && c.constant(2) != null && c.constant(2).size() > 0 ? c.constant(2).toDoubleArray() : null;
            long[] sizes = c.hasInput(3) ? c.constantLongs(3) : null;
            return resize(c, scales, sizes, c.node().attrInts("axes", null));
        });
        r.addAll(7, c -> resize(c, c.node().hasAttr("scales") ? toDoubles(c.node().attrFloats("scales", null))
                : c.constant(1) != null ? c.constant(1).toDoubleArray() : null, null, null), "Upsample");
        r.add("GridSample", 16, c -> {
            Shape x = c.shape(0), grid = c.shape(1);
            if (x == null || grid == null) return Arrays.asList(InferenceContext.tensor(c.elemType(0), null));
            List<Dim> out = new ArrayList<>(List.of(x.dim(0), x.dim(1)));
            out.addAll(grid.dims().subList(1, grid.rank() - 1));
            return List.of(new ValueType.TensorType(c.elemType(0), new Shape(out)));
        });
        r.add("AffineGrid", 20, c -> {
            long[] size = c.constantLongs(1);
            if (size == null) return Arrays.asList(InferenceContext.tensor(c.elemType(0), null));
            long[] out = new long[size.length];
            out[0] = size[0];
            System.arraycopy(size, 2, out, 1, size.length - 2);
            out[out.length - 1] = size.length - 2;
            return List.of(ValueType.tensor(c.elemType(0), out));
        });
        r.add("RoiAlign", 10, c -> {
            Shape x = c.shape(0), rois = c.shape(1);
            return Arrays.asList(InferenceContext.tensor(c.elemType(0), x == null || rois == null ? null
                    : new Shape(List.of(rois.dim(0), x.dim(1), Dim.of(c.node().attrInt("output_height", 1)),
                    Dim.of(c.node().attrInt("output_width", 1))))));
        });
        r.add("ImageDecoder", 20, c -> List.of(ValueType.tensor(DType.UINT8, -1, -1,
                c.node().attrString("pixel_format", "RGB").equals("Grayscale") ? 1 : 3)));
        r.add("NonMaxSuppression", 10, c -> List.of(ValueType.tensor(DType.INT64, -1, 3)));
        r.add("DFT", 17, c -> dft(c, c.node().attrInt("axis", 1), true));
        r.add("DFT", 20, c -> {
            long[] axis = c.hasInput(2) ? c.constantLongs(2) : new long[] {-2};
            return dft(c, axis == null || axis.length != 1 ? 0 : axis[0], axis != null && axis.length == 1);
        });
        r.add("STFT", 17, c -> {
            Shape s = c.shape(0);
            Dim batch = s == null || s.rank() != 3 ? Dim.unknown() : s.dim(0);
            return Arrays.asList(InferenceContext.tensor(c.elemType(0),
                    new Shape(Arrays.asList(batch, Dim.unknown(), Dim.unknown(), Dim.of(2)))));
        });
        r.addAll(17, c -> {
            long dt = c.node().attrInt("output_datatype", DType.FLOAT32.onnxCode());
            long[] size = c.constantLongs(0);
            return Arrays.asList(InferenceContext.tensor(DType.fromOnnx((int) dt), size == null ? Shape.of(-1) : Shape.of(size[0])));
        }, "HannWindow", "HammingWindow", "BlackmanWindow");
        r.add("MelWeightMatrix", 17, c -> {
            long dt = c.node().attrInt("output_datatype", DType.FLOAT32.onnxCode());
            long[] bins = c.constantLongs(0), dft = c.constantLongs(1);
            return List.of(ValueType.tensor(DType.fromOnnx((int) dt), dft == null ? -1 : dft[0] / 2 + 1, bins == null ? -1 : bins[0]));
        });
        r.add("Col2Im", 18, c -> {
            long[] image = c.constantLongs(1), block = c.constantLongs(2);
            Shape x = c.shape(0);
            if (image == null || block == null || x == null) return Arrays.asList(InferenceContext.tensor(c.elemType(0), null));
            List<Dim> out = new ArrayList<>(List.of(x.dim(0)));
            long per = 1;
            for (long b : block) per *= b;
            out.add(x.dim(1).isKnown() ? Dim.of(x.dim(1).value() / per) : Dim.unknown());
            for (long d : image) out.add(Dim.of(d));
            return List.of(new ValueType.TensorType(c.elemType(0), new Shape(out)));
        });
        r.add("MaxUnpool", 9, c -> {
            long[] shape = c.hasInput(2) ? c.constantLongs(2) : null;
            return Arrays.asList(InferenceContext.tensor(c.elemType(0), shape != null ? Shape.of(shape)
                    : c.shape(0) == null ? null : TensorShapeInference.unknownDims(c.shape(0).rank())));
        });
        r.add("ConvTranspose", 1, ImageSignalInference::convTranspose);
        r.add("DeformConv", 19, c -> {
            Shape x = c.shape(0), offset = c.shape(2), w = c.shape(1);
            if (x == null || offset == null || w == null) return Arrays.asList(InferenceContext.tensor(c.elemType(0), null));
            List<Dim> out = new ArrayList<>(List.of(x.dim(0), w.dim(0)));
            out.addAll(offset.dims().subList(2, offset.rank()));
            return List.of(new ValueType.TensorType(c.elemType(0), new Shape(out)));
        });
        r.add("ConvInteger", 10, c -> retyped(r.find("", "Conv", Integer.MAX_VALUE).infer(c), DType.INT32));
        r.add("QLinearConv", 10, c -> {
            InferenceContext conv = new InferenceContext(c.node(), c.opset(),
                    Arrays.asList(c.type(0), c.type(3)), Arrays.asList(c.constant(0), c.constant(3)));
            return retyped(r.find("", "Conv", Integer.MAX_VALUE).infer(conv), c.elemType(7));
        });
    }

    static List<ValueType> retyped(List<ValueType> types, DType to) {
        List<ValueType> out = new ArrayList<>();
        for (ValueType t : types) {
            out.add(t instanceof ValueType.TensorType tt ? InferenceContext.tensor(to, tt.shape()) : null);
        }
        return out;
    }

    private static double[] toDoubles(float[] f) {
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) d[i] = f[i];
        return d;
    }

    /** floor(dim * scale) per axis, or the sizes given; the policy attributes of opset 18 leave sizes unknown. */
    private static List<ValueType> resize(InferenceContext c, double[] scales, long[] sizes, long[] axes) {
        Shape x = c.shape(0);
        if (x == null) return Arrays.asList(InferenceContext.tensor(c.elemType(0), null));
        String policy = c.node().attrString("keep_aspect_ratio_policy", "stretch");
        List<Dim> out = new ArrayList<>(x.dims());
        int n = axes == null ? x.rank() : axes.length;
        boolean usable = (sizes != null && sizes.length == n && policy.equals("stretch"))
                || (sizes == null && scales != null && scales.length == n);
        for (int i = 0; i < n; i++) {
            int axis = axes == null ? i : (int) (axes[i] < 0 ? axes[i] + x.rank() : axes[i]);
            if (!usable) out.set(axis, Dim.unknown());
            else if (sizes != null) out.set(axis, Dim.of(sizes[i]));
            else if (x.dim(axis).isKnown()) out.set(axis, Dim.of((long) Math.floor(x.dim(axis).value() * scales[i] + 1e-9)));
            else out.set(axis, Dim.unknown());
        }
        return List.of(new ValueType.TensorType(c.elemType(0), new Shape(out)));
    }

    private static List<ValueType> convTranspose(InferenceContext c) {
        Shape x = c.shape(0), w = c.shape(1);
        if (x == null || w == null || x.rank() < 3) return Arrays.asList(InferenceContext.tensor(c.elemType(0), null));
        int sp = x.rank() - 2;
        long group = c.node().attrInt("group", 1);
        List<Dim> out = new ArrayList<>(List.of(x.dim(0), w.dim(1).isKnown() ? Dim.of(w.dim(1).value() * group) : Dim.unknown()));
        long[] outShape = c.node().attrInts("output_shape", null);
        long[] kernel = c.node().attrInts("kernel_shape", null);
        long[] strides = c.node().attrInts("strides", null), dil = c.node().attrInts("dilations", null);
        long[] outPad = c.node().attrInts("output_padding", null), pads = c.node().attrInts("pads", null);
        String autoPad = c.node().attrString("auto_pad", "NOTSET");
        for (int i = 0; i < sp; i++) {
            if (outShape != null) { out.add(Dim.of(outShape[outShape.length - sp + i])); continue; }
            Dim in = x.dim(i + 2);
            long k = kernel != null ? kernel[i] : w.dim(i + 2).value();
            long s = strides == null ? 1 : strides[i], d = dil == null ? 1 : dil[i], op = outPad == null ? 0 : outPad[i];
            if (!in.isKnown() || k < 0) { out.add(Dim.unknown()); continue; }
            if (autoPad.startsWith("SAME")) { out.add(Dim.of(in.value() * s)); continue; }
            long pb = pads == null || autoPad.equals("VALID") ? 0 : pads[i], pe = pads == null || autoPad.equals("VALID") ? 0 : pads[i + sp];
            out.add(Dim.of(s * (in.value() - 1) + op + (k - 1) * d + 1 - pb - pe));
        }
        return List.of(new ValueType.TensorType(c.elemType(0), new Shape(out)));
    }

    /** The input's dims with a last dim of 2 (complex, unless an inverse one-sided transform); the transformed axis' size (dft_length, onesided) unknown. */
    private static List<ValueType> dft(InferenceContext c, long axis, boolean axisKnown) {
        Shape s = c.shape(0);
        if (s == null || s.rank() < 2) return Arrays.asList(InferenceContext.tensor(c.elemType(0), null));
        List<Dim> out = new ArrayList<>(s.dims());
        if (axisKnown) {
            long a = axis < 0 ? axis + s.rank() : axis;
            if (a < 0 || a >= s.rank() - 1) {
                throw new IllegalArgumentException("DFT axis " + axis + " is out of range for input rank " + s.rank());
            }
            out.set((int) a, Dim.unknown());
        } else {
            for (int i = 0; i < out.size(); i++) out.set(i, Dim.unknown());
        }
        // an inverse one-sided transform (irfft) yields real values, whose last dim the kernel may make 1
        boolean realOut = c.node().attrInt("inverse", 0) != 0 && c.node().attrInt("onesided", 0) != 0;
        out.set(out.size() - 1, realOut ? Dim.unknown() : Dim.of(2));
        return Arrays.asList(InferenceContext.tensor(c.elemType(0), new Shape(out)));
    }
}
