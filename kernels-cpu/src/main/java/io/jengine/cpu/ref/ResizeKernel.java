package io.jengine.cpu.ref;

import io.jengine.ir.Node;
import io.jengine.tensor.Value;
import io.jengine.spi.ExecutionContext;
import io.jengine.spi.ValueKernel;
import io.jengine.tensor.DType;
import io.jengine.tensor.Shapes;
import io.jengine.tensor.Tensor;
import java.util.Arrays;

/**
 * ONNX Resize (opsets 10 to 19) and Upsample (7, 9). Each output element is the tensor product of per-axis 1-D
 * filters ({@link ResizeInterpolation}) evaluated at the input coordinate given by {@link ResizeCoordinates}.
 * Opset 10 Resize and Upsample have no coordinate or rounding attributes: they map coordinates asymmetrically and
 * pick the nearest pixel by truncation when enlarging and rounding up when shrinking, as ONNX Runtime does.
 */
final class ResizeKernel implements ValueKernel {
    private enum AspectPolicy { STRETCH, NOT_LARGER, NOT_SMALLER }

    /** Where the scales / sizes / roi inputs sit for each operator generation. */
    private enum Form { UPSAMPLE_ATTR, SCALES_INPUT_1, FULL }

    private final Form form;
    private final float[] attrScales;
    private final ResizeCoordinates coordinates;
    private final ResizeInterpolation filter;
    private final double extrapolation;
    private final long[] axesAttr;
    private final AspectPolicy policy;

    private ResizeKernel(Node node, Form form) {
        this.form = form;
        ResizeInterpolation.Mode mode = ResizeInterpolation.parseMode(node.attrString("mode", "nearest"));
        if (form == Form.FULL) {
            coordinates = ResizeCoordinates.parse(node.attrString("coordinate_transformation_mode", "half_pixel"));
            ResizeInterpolation.NearestRounding rounding =
                    ResizeInterpolation.parseNearest(node.attrString("nearest_mode", "round_prefer_floor"));
            filter = new ResizeInterpolation(mode, rounding, node.attrFloat("cubic_coeff_a", -0.75f),
                    node.attrInt("antialias", 0) != 0, node.attrInt("exclude_outside", 0) != 0);
        } else {
            if (mode == ResizeInterpolation.Mode.CUBIC) {
                throw new IllegalArgumentException("mode must be nearest or linear before opset 11, got 'cubic'");
            }
            coordinates = ResizeCoordinates.ASYMMETRIC;
            filter = new ResizeInterpolation(mode, ResizeInterpolation.NearestRounding.LEGACY, -0.75, false, false);
        }
        attrScales = form == Form.UPSAMPLE_ATTR ? node.attrFloats("scales", null) : null;
        if (form == Form.UPSAMPLE_ATTR && attrScales == null) {
            throw new IllegalArgumentException("attribute scales is required");
        }
        extrapolation = node.attrFloat("extrapolation_value", 0f);
        axesAttr = node.attrInts("axes", null);
        policy = switch (node.attrString("keep_aspect_ratio_policy", "stretch")) {
            case "stretch" -> AspectPolicy.STRETCH;
            case "not_larger" -> AspectPolicy.NOT_LARGER;
            case "not_smaller" -> AspectPolicy.NOT_SMALLER;
            default -> throw new IllegalArgumentException("keep_aspect_ratio_policy must be stretch, not_larger or "
                    + "not_smaller, got '" + node.attrString("keep_aspect_ratio_policy", "") + "'");
        };
    }

    /** Resize from opset 11 on: inputs X, roi, scales, sizes. */
    static ResizeKernel resize(Node node) { return new ResizeKernel(node, Form.FULL); }

    /** Resize 10 and Upsample 9: inputs X, scales. */
    static ResizeKernel scalesInput(Node node) { return new ResizeKernel(node, Form.SCALES_INPUT_1); }

    /** Upsample 7: the scales attribute. */
    static ResizeKernel upsample7(Node node) { return new ResizeKernel(node, Form.UPSAMPLE_ATTR); }

    @Override
    public Value[] run(ExecutionContext ctx, Value[] inputs) {
        Tensor x = KernelSupport.tensor(inputs, 0);
        int rank = x.rank();
        long[] in = x.shape();
        Tensor scalesT = switch (form) {
            case UPSAMPLE_ATTR -> null;
            case SCALES_INPUT_1 -> KernelSupport.tensor(inputs, 1);
            case FULL -> KernelSupport.optionalTensor(inputs, 2);
        };
        Tensor sizesT = form == Form.FULL ? KernelSupport.optionalTensor(inputs, 3) : null;
        Tensor roiT = form == Form.FULL ? KernelSupport.optionalTensor(inputs, 1) : null;
        boolean haveScales = form == Form.UPSAMPLE_ATTR || (scalesT != null && scalesT.size() > 0);
        boolean haveSizes = sizesT != null && sizesT.size() > 0;
        if (haveScales == haveSizes) {
            throw new IllegalArgumentException("exactly one of scales and sizes must be given, got "
                    + (haveScales ? "both" : "neither"));
        }
        int[] axes = axes(rank);
        double[] scale = new double[rank];
        long[] out = in.clone();
        Arrays.fill(scale, 1.0);
        if (haveScales) {
            double[] s = form == Form.UPSAMPLE_ATTR ? toDoubles(attrScales) : scalesT.toDoubleArray();
            checkCount("scales", s.length, axes.length);
            for (int i = 0; i < axes.length; i++) {
                if (!(s[i] > 0)) throw new IllegalArgumentException("scales must be positive, got " + s[i]);
                scale[axes[i]] = s[i];
                out[axes[i]] = (long) Math.floor(s[i] * in[axes[i]]);
            }
        } else {
            long[] sz = sizesT.toLongArray();
            checkCount("sizes", sz.length, axes.length);
            for (int i = 0; i < axes.length; i++) {
                if (sz[i] < 0) throw new IllegalArgumentException("sizes must not be negative, got " + sz[i]);
                scale[axes[i]] = (double) sz[i] / in[axes[i]];
                out[axes[i]] = sz[i];
            }
            if (policy != AspectPolicy.STRETCH) keepAspect(axes, in, scale, out);
        }
        double[] roi = roi(roiT, axes, rank);
        boolean[] resized = new boolean[rank];
        for (int a : axes) resized[a] = true;
        return new Value[] {resample(x, in, out, scale, roi, resized)};
    }

    private int[] axes(int rank) {
        if (axesAttr == null) {
            int[] all = new int[rank];
            for (int i = 0; i < rank; i++) all[i] = i;
            return all;
        }
        int[] axes = new int[axesAttr.length];
        boolean[] seen = new boolean[rank];
        for (int i = 0; i < axes.length; i++) {
            axes[i] = Shapes.normalizeAxis(axesAttr[i], rank);
            if (seen[axes[i]]) throw new IllegalArgumentException("axes must not repeat, got "
                    + Arrays.toString(axesAttr));
            seen[axes[i]] = true;
        }
        return axes;
    }

    private static void checkCount(String what, int got, int expected) {
        if (got != expected) {
            throw new IllegalArgumentException(what + " must have one entry per resized axis (" + expected
                    + "), got " + got);
        }
    }

    /** One common scale for the listed axes, so that the result fits inside (or covers) the requested sizes. */
    private void keepAspect(int[] axes, long[] in, double[] scale, long[] out) {
        double s = policy == AspectPolicy.NOT_LARGER ? Double.POSITIVE_INFINITY : 0;
        for (int a : axes) s = policy == AspectPolicy.NOT_LARGER ? Math.min(s, scale[a]) : Math.max(s, scale[a]);
        for (int a : axes) {
            scale[a] = s;
            out[a] = (long) (s * in[a] + 0.5);
        }
    }

    /** The crop box as [start_0..start_r-1, end_0..end_r-1] over all axes; the whole input when unused. */
    private double[] roi(Tensor roiT, int[] axes, int rank) {
        double[] roi = new double[2 * rank];
        Arrays.fill(roi, rank, 2 * rank, 1.0);
        if (coordinates != ResizeCoordinates.TF_CROP_AND_RESIZE) return roi;
        if (roiT == null || roiT.size() == 0) {
            throw new IllegalArgumentException("roi is required with coordinate_transformation_mode "
                    + "tf_crop_and_resize");
        }
        double[] r = roiT.toDoubleArray();
        checkCount("roi", r.length, 2 * axes.length);
        for (int i = 0; i < axes.length; i++) {
            roi[axes[i]] = r[i];
            roi[rank + axes[i]] = r[axes.length + i];
        }
        return roi;
    }

    /** Axes outside {@code resized} (those the axes attribute leaves out) are copied, not interpolated. */
    private Tensor resample(Tensor x, long[] in, long[] out, double[] scale, double[] roi, boolean[] resized) {
        int rank = in.length;
        Tensor y = Tensor.allocate(x.dtype(), out);
        if (y.size() == 0) return y;
        if (x.size() == 0) throw new IllegalArgumentException("cannot resize an empty tensor " + x.describe());
        ResizeInterpolation.Taps[][] taps = new ResizeInterpolation.Taps[rank][];
        for (int a = 0; a < rank; a++) {
            taps[a] = axisTaps(resized[a], in[a], out[a], scale[a], roi[a], roi[rank + a]);
        }
        long[] inStrides = Shapes.strides(in);
        int[] pos = new int[rank];
        boolean strings = x.dtype() == DType.STRING;
        for (long o = 0; o < y.size(); o++) {
            ResizeInterpolation.Taps[] at = new ResizeInterpolation.Taps[rank];
            boolean outside = false;
            for (int a = 0; a < rank; a++) {
                at[a] = taps[a][pos[a]];
                outside |= at[a] == null;
            }
            if (strings) {
                y.setString(o, outside ? "" : x.getString(firstTapOffset(at, inStrides)));
            } else if (outside) {
                y.setDouble(o, extrapolation);
            } else if (isSingleTap(at)) {
                copyElement(x, firstTapOffset(at, inStrides), y, o);
            } else {
                y.setDouble(o, weightedSum(x, at, inStrides, 0, 0, 1.0));
            }
            for (int a = rank - 1; a >= 0; a--) {
                if (++pos[a] < out[a]) break;
                pos[a] = 0;
            }
        }
        return y;
    }

    private ResizeInterpolation.Taps[] axisTaps(boolean resized, long inLen, long outLen, double scale, double r0,
                                                double r1) {
        ResizeInterpolation.Taps[] t = new ResizeInterpolation.Taps[Math.toIntExact(outLen)];
        for (int i = 0; i < t.length; i++) {
            if (!resized) {
                t[i] = new ResizeInterpolation.Taps(new int[] {i}, new double[] {1});
                continue;
            }
            double xi = coordinates.toInput(i, scale, inLen, outLen, r0, r1);
            boolean crop = coordinates == ResizeCoordinates.TF_CROP_AND_RESIZE;
            t[i] = crop && (xi < 0 || xi > inLen - 1) ? null : filter.taps(xi, (int) inLen, scale);
        }
        return t;
    }

    private static boolean isSingleTap(ResizeInterpolation.Taps[] at) {
        for (ResizeInterpolation.Taps t : at) if (t.index().length != 1 || t.weight()[0] != 1) return false;
        return true;
    }

    private static long firstTapOffset(ResizeInterpolation.Taps[] at, long[] strides) {
        long off = 0;
        for (int a = 0; a < at.length; a++) {
            // For nearest there is one tap; for a string tensor only nearest is meaningful.
            ResizeInterpolation.Taps t = at[a];
            int best = 0;
            for (int k = 1; k < t.weight().length; k++) if (t.weight()[k] > t.weight()[best]) best = k;
            off += t.index()[best] * strides[a];
        }
        return off;
    }

    /** Integers are copied as integers so int64 values above 2^53 survive nearest-neighbour resizing. */
    private static void copyElement(Tensor x, long from, Tensor y, long to) {
        if (x.dtype().isInteger() || x.dtype() == DType.BOOL) y.setLong(to, x.getLong(from));
        else y.setDouble(to, x.getDouble(from));
    }

    private static double weightedSum(Tensor x, ResizeInterpolation.Taps[] at, long[] strides, int axis,
                                      long offset, double weight) {
        if (axis == at.length) return weight * x.getDouble(offset);
        ResizeInterpolation.Taps t = at[axis];
        double sum = 0;
        for (int k = 0; k < t.index().length; k++) {
            if (t.weight()[k] == 0) continue;
            sum += weightedSum(x, at, strides, axis + 1, offset + t.index()[k] * strides[axis],
                    weight * t.weight()[k]);
        }
        return sum;
    }

    private static double[] toDoubles(float[] f) {
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) d[i] = f[i];
        return d;
    }
}
