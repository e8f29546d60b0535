package io.jengine.infer;

import io.jengine.ir.Dim;
import io.jengine.ir.Shape;
import io.jengine.ir.ValueType;
import io.jengine.tensor.DType;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Fourier transforms, window functions and mel filter banks. */
final class SignalInference {
    private SignalInference() {}

    static void register(InferenceRegistry r) {
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
            long[] size = c.constantLongs(0);
            Shape s = size != null && size.length == 1 ? Shape.of(size[0]) : Shape.of(-1);
            return Arrays.asList(InferenceContext.tensor(outType(c), s));
        }, "HannWindow", "HammingWindow", "BlackmanWindow");
        r.add("MelWeightMatrix", 17, c -> Arrays.asList(InferenceContext.tensor(outType(c), Shape.of(-1, -1))));
    }

    private static DType outType(InferenceContext c) { return DType.fromOnnx((int) c.node().attrInt("output_datatype", 1)); }

    /** The input's rank with a last dim of 2 (complex); the transformed axis' size is left unknown. */
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
        out.set(out.size() - 1, Dim.of(2));
        return Arrays.asList(InferenceContext.tensor(c.elemType(0), new Shape(out)));
    }
}
