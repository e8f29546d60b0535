package io.jengine.cpu.simd;

import io.jengine.cpu.ref.ResizeCoordinates;
import io.jengine.cpu.ref.ResizeInterpolation;
import io.jengine.cpu.simd.ops.BlockedResizeNearest;
import io.jengine.cpu.simd.ops.Resize2d;
import io.jengine.ir.Node;
import io.jengine.spi.Kernel;
import io.jengine.spi.NodeContext;
import io.jengine.spi.Tactic;
import io.jengine.tensor.DType;
import io.jengine.tensor.Shapes;
import io.jengine.tensor.Tensor;
import io.jengine.tensor.ValueType;
import java.util.List;
import java.util.Map;

/**
 * Resize (opset 10 on) of a float32 NCHW tensor over H and W only, mode nearest (every nearest_mode) or linear,
 * with every coordinate_transformation_mode but tf_crop_and_resize; scales or sizes constant, or sizes read from the
 * concrete output type. The per-axis taps are computed here with the reference's arithmetic (double precision, the
 * same coordinate formulas and rounding), once, when the tactic is prepared. Anything else (cubic, antialias,
 * exclude_outside with linear, a resized N or C axis, keep_aspect_ratio_policy with sizes, scales computed at run
 * time) is left to the reference kernel.
 */
final class ResizeTactics {


    private ResizeTactics() {}

    static void register(Map<String, TacticSource> m) { m.put("Resize", ResizeTactics::tactics); }

    private static List<Tactic> tactics(NodeContext ctx, String backend) {
        Node n = ctx.node();
        if (!n.domain().isEmpty() && !n.domain().equals("ai.onnx")) return List.of();
        if (!(ctx.inputType(0) instanceof ValueType.TensorType t) || t.elementType() != DType.FLOAT32) return List.of();
        long[] x = ctx.inputDims(0);
        if (x != null && x.length == 5) return blocked(ctx, x, backend);
        if (x == null || x.length != 4) return List.of();
        for (long d : x) if (d <= 0 || d > Integer.MAX_VALUE) return List.of();
        boolean legacy = ctx.opsetVersion() < 11;
        String mode = n.attrString("mode", "nearest");
        boolean linear = mode.equals("linear");
        if (!linear && !mode.equals("nearest")) return List.of();
        ResizeCoordinates coords;
        ResizeInterpolation.NearestRounding rounding;
        if (legacy) {
            coords = ResizeCoordinates.ASYMMETRIC;
            rounding = ResizeInterpolation.NearestRounding.LEGACY;
        } else {
            try {
                coords = ResizeCoordinates.parse(n.attrString("coordinate_transformation_mode", "half_pixel"));
                rounding = ResizeInterpolation.parseNearest(n.attrString("nearest_mode", "round_prefer_floor"));
            } catch (IllegalArgumentException e) {
                return List.of(); // the reference kernel reports the bad attribute
            }
            if (coords == ResizeCoordinates.TF_CROP_AND_RESIZE) return List.of();
            if (linear && (n.attrInt("antialias", 0) != 0 || n.attrInt("exclude_outside", 0) != 0)) return List.of();
        }
        int[] axes = axes(n);
        if (axes == null) return List.of();
        // The output size and scale of each resized axis, as the reference computes them.
        double[] scale = {1, 1, 1, 1};
        long[] out = x.clone();
        int scalesInput = legacy ? 1 : 2;
        Tensor scales = ctx.constant(scalesInput), sizes = legacy ? null : ctx.constant(3);
        boolean haveScales = scales != null && scales.size() > 0;
        if (n.hasInput(scalesInput) && scales == null) return List.of(); // computed at run time: size unknown here
        if (haveScales) {
            // Both given: the reference reports it.
            if (!legacy && n.hasInput(3) && (sizes == null || sizes.size() > 0)) return List.of();
            double[] s = scales.toDoubleArray();
            if (s.length != axes.length) return List.of();
            for (int i = 0; i < axes.length; i++) {
                if (!(s[i] > 0)) return List.of();
                scale[axes[i]] = s[i];
                out[axes[i]] = (long) Math.floor(s[i] * x[axes[i]]);
            }
        } else {
            if (legacy || !n.hasInput(3)) return List.of();
            if (!n.attrString("keep_aspect_ratio_policy", "stretch").equals("stretch")) return List.of();
            long[] sz;
            if (sizes != null) {
                sz = sizes.toLongArray();
                if (sz.length != axes.length) return List.of();
            } else {
                long[] y = PlannedShapes.outputDims(ctx, 0);
                if (y == null || y.length != 4) return List.of();
                sz = new long[axes.length];
                for (int i = 0; i < axes.length; i++) sz[i] = y[axes[i]];
            }
            for (int i = 0; i < axes.length; i++) {
                if (sz[i] < 0) return List.of();
                scale[axes[i]] = (double) sz[i] / x[axes[i]];
                out[axes[i]] = sz[i];
            }
        }
        if (out[0] != x[0] || out[1] != x[1] || scale[0] != 1 || scale[1] != 1) return List.of();
        if (out[2] <= 0 || out[3] <= 0 || out[2] > Integer.MAX_VALUE || out[3] > Integer.MAX_VALUE) return List.of();
        long[] declared = PlannedShapes.outputDims(ctx, 0);
        if (declared != null && !java.util.Arrays.equals(declared, out)) return List.of();
        long planes = x[0] * x[1];
        if (planes > Integer.MAX_VALUE) return List.of();
        // N and C keep their size, but when listed in the axes their coordinates still go through the transform:
        // tf_half_pixel_for_nn with round_prefer_ceil, say, moves every plane to the next one (clamped).
        int[] source = null;
        if (axes.length == 4) {
            Resize2d.Axis n0 = axis(coords, rounding, linear, (int) x[0], (int) x[0], 1);
            Resize2d.Axis c0 = axis(coords, rounding, linear, (int) x[1], (int) x[1], 1);
            if (linear && !(identity(n0) && identity(c0))) return List.of(); // blends planes: the reference's job
            if (!identity(n0) || !identity(c0)) {
                source = new int[(int) planes];
                for (int b = 0; b < x[0]; b++) {
                    for (int c = 0; c < x[1]; c++) source[(int) (b * x[1] + c)] = (int) (n0.i0()[b] * x[1] + c0.i0()[c]);
                }
            }
        }
        Resize2d r = new Resize2d(axis(coords, rounding, linear, (int) x[2], (int) out[2], scale[2]),
                axis(coords, rounding, linear, (int) x[3], (int) out[3], scale[3]), source);
        return List.of(new Tactic(backend, linear ? "resize.linear" : "resize.nearest", () -> (Kernel) k -> {
            Tensor in = k.tensor(0);
            if (in.dtype() != DType.FLOAT32 || !in.hasShape(x)) {
                throw new IllegalArgumentException("input X is " + in.describe() + ", the plan was made for float32 "
                        + Shapes.format(x));
            }
            r.run(in.data(), 0, k.output(0, DType.FLOAT32, out).data(), 0, planes, k.threads());
        }));
    }

    /** The resized axes: all four, or the axes attribute (opset 18); null when it names anything but H and W. */
    private static int[] axes(Node n) {
        long[] a = n.attrInts("axes", null);
        if (a == null) return new int[] {0, 1, 2, 3};
        int[] r = new int[a.length];
        boolean[] seen = new boolean[4];
        for (int i = 0; i < a.length; i++) {
            long v = a[i] < 0 ? a[i] + 4 : a[i];
            if (v < 2 || v > 3 || seen[(int) v]) return null;
            seen[(int) v] = true;
            r[i] = (int) v;
        }
        return r;
    }

    /**
     * Nearest Resize of channel-blocked activations {@code [N, C/b, H, W, b]} over H and W (opset 11 on, no axes
     * attribute, scales or sizes constant and 1 along N, C/b and b), as {@link BlockedResizeNearest}: with a scale of 1
     * every coordinate transform but tf_crop_and_resize maps an index to itself, so only H and W move.
     */
    private static List<Tactic> blocked(NodeContext ctx, long[] x, String backend) {
        Node n = ctx.node();
        if (ctx.opsetVersion() < 11 || n.hasAttr("axes") || !n.attrString("mode", "nearest").equals("nearest")) return List.of();
        for (long d : x) if (d <= 0 || d > Integer.MAX_VALUE) return List.of();
        ResizeCoordinates coords;
        ResizeInterpolation.NearestRounding rounding;
        try {
            coords = ResizeCoordinates.parse(n.attrString("coordinate_transformation_mode", "half_pixel"));
            rounding = ResizeInterpolation.parseNearest(n.attrString("nearest_mode", "round_prefer_floor"));
        } catch (IllegalArgumentException e) {
            return List.of();
        }
        if (coords == ResizeCoordinates.TF_CROP_AND_RESIZE) return List.of();
        Tensor scales = ctx.constant(2), sizes = ctx.constant(3);
        long[] out = x.clone();
        double sh, sw;
        if (scales != null && scales.size() > 0) {
            if (n.hasInput(3)) return List.of();
            double[] s = scales.toDoubleArray();
            if (s.length != 5 || s[0] != 1 || s[1] != 1 || s[4] != 1 || !(s[2] > 0) || !(s[3] > 0)) return List.of();
            sh = s[2];
            sw = s[3];
            out[2] = (long) Math.floor(sh * x[2]);
            out[3] = (long) Math.floor(sw * x[3]);
        } else if (sizes != null && n.hasInput(3)) {
            if (!n.attrString("keep_aspect_ratio_policy", "stretch").equals("stretch")) return List.of();
            long[] sz = sizes.toLongArray();
            if (sz.length != 5 || sz[0] != x[0] || sz[1] != x[1] || sz[4] != x[4]) return List.of();
            out[2] = sz[2];
            out[3] = sz[3];
            sh = (double) sz[2] / x[2];
            sw = (double) sz[3] / x[3];
        } else {
            return List.of();
        }
        if (out[2] <= 0 || out[3] <= 0 || out[2] > Integer.MAX_VALUE || out[3] > Integer.MAX_VALUE) return List.of();
        long[] declared = PlannedShapes.outputDims(ctx, 0);
        if (declared != null && !java.util.Arrays.equals(declared, out)) return List.of();
        BlockedResizeNearest r;
        try {
            r = new BlockedResizeNearest((int) x[2], (int) x[3], (int) out[2], (int) out[3],
                    axis(coords, rounding, false, (int) x[2], (int) out[2], sh).i0(),
                    axis(coords, rounding, false, (int) x[3], (int) out[3], sw).i0(), (int) x[4]);
        } catch (IllegalArgumentException e) {
            return List.of(); // a block that is not a whole number of vectors
        }
        long blocks = x[0] * x[1];
        return List.of(new Tactic(backend, "resize.nearest-blocked", () -> (Kernel) k -> {
            Tensor in = PlannedShapes.input(k, 0, DType.FLOAT32, x);
            r.run(in.data(), 0, k.output(0, DType.FLOAT32, out).data(), 0, blocks, k.threads());
        }));
    }

    /** Whether every output takes the input at its own index, with weight one. */
    private static boolean identity(Resize2d.Axis a) {
        for (int o = 0; o < a.out(); o++) {
            if (a.i0()[o] != o || a.w0() != null && (a.w0()[o] != 1f || a.w1()[o] != 0f)) return false;
        }
        return true;
    }


    /** One axis' taps, placed by the reference's own coordinate transform and nearest / linear filter. */
    private static Resize2d.Axis axis(ResizeCoordinates c, ResizeInterpolation.NearestRounding rounding, boolean linear,
                                      int in, int out, double scale) {
        ResizeInterpolation filter = new ResizeInterpolation(
                linear ? ResizeInterpolation.Mode.LINEAR : ResizeInterpolation.Mode.NEAREST, rounding, 0, false, false);
        int[] i0 = new int[out], i1 = linear ? new int[out] : null;
        float[] w0 = linear ? new float[out] : null, w1 = linear ? new float[out] : null;
        for (int o = 0; o < out; o++) {
            ResizeInterpolation.Taps t = filter.taps(c.toInput(o, scale, in, out, 0, 0), in, scale);
            if (!linear) {
                i0[o] = t.index()[0];
            } else if (t.weight()[0] == 0) {
                // A tap of weight zero is left out, as the reference leaves it out: an infinity there must not
                // turn the result into NaN.
                i0[o] = t.index()[1];
                i1[o] = t.index()[1];
                w0[o] = (float) t.weight()[1];
            } else {
                i0[o] = t.index()[0];
                i1[o] = t.index()[1];
                w0[o] = (float) t.weight()[0];
                w1[o] = (float) t.weight()[1];
            }
        }
        return Resize2d.Axis.of(in, out, i0, i1, w0, w1);
    }
}
