package io.jengine.cpu.ref;

import static io.jengine.cpu.ref.KernelSupport.optionalTensor;
import static io.jengine.cpu.ref.KernelSupport.tensor;

import io.jengine.ir.Node;
import io.jengine.tensor.Value;
import io.jengine.spi.KernelRegistry;
import io.jengine.tensor.DType;
import io.jengine.tensor.Shapes;
import io.jengine.tensor.Tensor;
import java.util.Arrays;

/**
 * Conv, ConvInteger and ConvTranspose, 1-D to 3-D, grouped (registrations for QLinearConv, DeformConv and Col2Im
 * too). Elements are copied to double arrays once per call and every element type goes through the same double
 * arithmetic; the forward loops live in {@link ConvLowering}, ConvTranspose scatters row by row here.
 */
final class ConvKernels {
    private ConvKernels() {}

    static void register(KernelRegistry r) {
        r.add("Conv", 1, n -> {
            ConvGeometry.checkAttributes(n.node());
            return (ctx, in) -> new Value[] {conv(n.node(), tensor(in, 0), tensor(in, 1), optionalTensor(in, 2), null,
                    null, null)};
        });
        r.add("ConvInteger", 10, n -> {
            ConvGeometry.checkAttributes(n.node());
            return (ctx, in) -> new Value[] {conv(n.node(), tensor(in, 0), tensor(in, 1), null, optionalTensor(in, 2),
                    optionalTensor(in, 3), DType.INT32)};
        });
        r.add("QLinearConv", 10, n -> {
            ConvGeometry.checkAttributes(n.node());
            return QLinearConv.create(n.node());
        });
        r.add("DeformConv", 19, n -> DeformConv.create(n.node()));
        r.add("Col2Im", 18, n -> Col2Im.create(n.node()));
        r.add("ConvTranspose", 1, n -> {
            ConvGeometry.checkAttributes(n.node());
            return (ctx, in) -> new Value[] {convTranspose(n.node(), tensor(in, 0), tensor(in, 1), optionalTensor(in, 2))};
        });
    }

    static Tensor conv(Node node, Tensor x, Tensor w, Tensor b, Tensor xZero, Tensor wZero, DType outType) {
        double[] xv = doubles(x), wv = doubles(w);
        long[] ws = w.shape();
        if (xZero != null) {
            if (xZero.size() != 1) throw new IllegalArgumentException("x_zero_point must be a scalar, got " + xZero.describe());
            double z = xZero.getDouble(0);
            for (int i = 0; i < xv.length; i++) xv[i] -= z;
        }
        if (wZero != null) subtractPerChannel(wv, ws, wZero, "w_zero_point");
        double[] bias = null;
        if (b != null) {
            if (b.rank() != 1 || ws.length == 0 || b.size() != ws[0]) {
                throw new IllegalArgumentException("B " + b.describe() + " must have one entry per output channel");
            }
            bias = doubles(b);
        }
        Planes r = accumulate(node, x.shape(), xv, ws, wv, bias);
        Tensor result = Tensor.allocate(outType == null ? x.dtype() : outType, r.shape());
        boolean integer = !result.dtype().isFloatingPoint();
        double[] out = r.values();
        for (int i = 0; i < out.length; i++) {
            if (integer) result.setLong(i, Math.round(out[i])); else result.setDouble(i, out[i]);
        }
        return result;
    }

    /** A convolution's output: its shape and its values in double precision, not yet stored in an element type. */
    record Planes(long[] shape, double[] values) {}

    /** Subtracts a per-tensor (one element) or per-output-channel zero point from weights of shape {@code ws}. */
    static void subtractPerChannel(double[] wv, long[] ws, Tensor zero, String what) {
        long m = ws[0], per = m == 0 ? 0 : wv.length / m;
        if (zero.size() != 1 && zero.size() != m) {
            throw new IllegalArgumentException(what + " has " + zero.size() + " elements, expected 1 or " + m);
        }
        for (int i = 0; i < wv.length; i++) wv[i] -= zero.getDouble(zero.size() == 1 ? 0 : i / per);
    }

    /** The elements of {@code t} as doubles; float32 goes through one bulk copy rather than per-element access. */
    static double[] doubles(Tensor t) {
        if (t.dtype() != DType.FLOAT32) return t.toDoubleArray();
        float[] f = t.toFloatArray();
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) d[i] = f[i];
        return d;
    }

    /**
     * The direct convolution of {@code xv} (shape {@code xs}) with {@code wv} (shape {@code ws}) plus the optional
     * per-channel {@code bias}, under the node's group, strides, pads, dilations and auto_pad.
     */
    static Planes accumulate(Node node, long[] xs, double[] xv, long[] ws, double[] wv, double[] bias) {
        if (xs.length < 3 || ws.length != xs.length) {
            throw new IllegalArgumentException("X " + Shapes.format(xs) + " and W " + Shapes.format(ws)
                    + " must have the same rank, at least 3");
        }
        long group = node.attrInt("group", 1);
        long batch = xs[0], c = xs[1], m = ws[0];
        if (group <= 0 || c != ws[1] * group) {
            throw new IllegalArgumentException("X has " + c + " channels but W " + Shapes.format(ws) + " with group "
                    + group + " expects " + ws[1] * group);
        }
        if (m % group != 0) throw new IllegalArgumentException(m + " output channels cannot be split into " + group + " groups");
        int sp = xs.length - 2;
        long[] wKernel = Arrays.copyOfRange(ws, 2, ws.length);
        long[] kernel = node.attrInts("kernel_shape", wKernel);
        if (!Arrays.equals(kernel, wKernel)) {
            throw new IllegalArgumentException("kernel_shape " + Arrays.toString(kernel) + " does not match W "
                    + Shapes.format(ws));
        }
        ConvGeometry g = ConvGeometry.forward(node, Arrays.copyOfRange(xs, 2, xs.length), kernel, false);
        ConvGeometry g3 = g.to3d();
        long[] outShape = new long[xs.length];
        outShape[0] = batch;
        outShape[1] = m;
        System.arraycopy(g.out(), 0, outShape, 2, sp);
        // Every extent fits an int (the arrays are indexed by int), and int arithmetic keeps the hot loop lean.
        int nBatch = (int) batch, nc = (int) c, nm = (int) m;
        int[] in = ints(g3.in()), k = ints(g3.kernel()), s = ints(g3.strides()), d = ints(g3.dilations());
        int[] p = ints(g3.padBegin()), o = ints(g3.out());
        int outPlane = Math.toIntExact(Shapes.size(g.out()));
        double[] out = new double[Math.toIntExact(batch * m * outPlane)];
        if (bias != null) {
            for (int nb = 0; nb < nBatch; nb++) {
                for (int oc = 0; oc < nm; oc++) {
                    int ob = (nb * nm + oc) * outPlane;
                    Arrays.fill(out, ob, ob + outPlane, bias[oc]);
                }
            }
        }
        ConvLowering.accumulate(xv, wv, out, nBatch, nc, nm, (int) group, in, k, s, d, p, o);
        return new Planes(outShape, out);
    }

    static Tensor convTranspose(Node node, Tensor x, Tensor w, Tensor b) {
        long[] xs = x.shape(), ws = w.shape();
        if (xs.length < 3 || ws.length != xs.length) {
            throw new IllegalArgumentException("X " + Shapes.format(xs) + " and W " + Shapes.format(ws)
                    + " must have the same rank, at least 3");
        }
        int sp = xs.length - 2;
        long group = node.attrInt("group", 1);
        long batch = xs[0], c = xs[1], mg = ws[1], m = mg * group;
        if (b != null && (b.rank() != 1 || b.size() != m)) {
            throw new IllegalArgumentException("B " + b.describe() + " must have one entry per output channel (" + m + ")");
        }
        if (ws[0] != c) throw new IllegalArgumentException("W " + Shapes.format(ws) + " must have " + c + " input channels");
        if (group <= 0 || c % group != 0) {
            throw new IllegalArgumentException("group " + group + " does not divide the " + c + " input channels");
        }
        long[] kernel = Arrays.copyOfRange(ws, 2, ws.length);
        if (!Arrays.equals(node.attrInts("kernel_shape", kernel), kernel)) {
            throw new IllegalArgumentException("kernel_shape " + Arrays.toString(node.attrInts("kernel_shape", kernel))
                    + " does not match W " + Shapes.format(ws));
        }
        long[] strides = positive(sized(node.attrInts("strides", ones(sp)), sp, "strides"), "strides");
        long[] dil = positive(sized(node.attrInts("dilations", ones(sp)), sp, "dilations"), "dilations");
        long[] outPad = sized(node.attrInts("output_padding", new long[sp]), sp, "output_padding");
        long[] outShapeAttr = node.attrInts("output_shape", null);
        if (outShapeAttr != null && outShapeAttr.length != sp && outShapeAttr.length != sp + 2) {
            throw new IllegalArgumentException("output_shape " + Arrays.toString(outShapeAttr) + " must have " + sp
                    + " entries");
        }
        long[] pads = sized(node.attrInts("pads", new long[2 * sp]), 2 * sp, "pads");
        String autoPad = node.attrString("auto_pad", "NOTSET");
        long[] in = Arrays.copyOfRange(xs, 2, xs.length), out = new long[sp], pb = new long[sp];
        for (int i = 0; i < sp; i++) {
            long full = strides[i] * (in[i] - 1) + outPad[i] + (kernel[i] - 1) * dil[i] + 1;
            if (autoPad.startsWith("SAME")) {
                out[i] = outShapeAttr != null ? outShapeAttr[outShapeAttr.length - sp + i] : in[i] * strides[i];
                long total = full - out[i];
                // Floor division: an output_shape larger than the full result makes the total negative.
                pb[i] = autoPad.equals("SAME_UPPER") ? Math.floorDiv(total, 2) : total - Math.floorDiv(total, 2);
            } else if (outShapeAttr != null) {
                // An explicit output_shape without SAME padding keeps the explicit (default zero) leading pads: the
                // full result is cropped or zero-extended at the end, as ONNX's reference does.
                out[i] = outShapeAttr[outShapeAttr.length - sp + i];
                pb[i] = autoPad.equals("VALID") ? 0 : pads[i];
            } else {
                pb[i] = autoPad.equals("VALID") ? 0 : pads[i];
                long pe = autoPad.equals("VALID") ? 0 : pads[i + sp];
                out[i] = full - pb[i] - pe;
            }
        }
        for (int i = 0; i < sp; i++) {
            if (out[i] <= 0) {
                throw new IllegalArgumentException("output size " + out[i] + " on spatial axis " + i
                        + " is not positive (check pads and output_shape)");
            }
        }
        if (sp > 3) throw new IllegalArgumentException(sp + "-D ConvTranspose is not supported (at most 3 spatial axes)");
        long[] outShape = new long[xs.length];
        outShape[0] = batch;
        outShape[1] = m;
        System.arraycopy(out, 0, outShape, 2, sp);
        long[] i3 = lead3(in, 1), o3 = lead3(out, 1), k3 = lead3(kernel, 1), s3 = lead3(strides, 1), d3 = lead3(dil, 1);
        long[] p3 = lead3(pb, 0);
        long inPlane = i3[0] * i3[1] * i3[2], outPlane = o3[0] * o3[1] * o3[2], kVol = k3[0] * k3[1] * k3[2];
        double[] xv = doubles(x), wv = doubles(w);
        double[] res = new double[Math.toIntExact(batch * m * outPlane)];
        long cg = c / group;
        int sw = (int) s3[2];
        // Scatter form: every input element adds x * w to one output per kernel tap. The input column is the inner
        // loop (contiguous reads), restricted up front to the columns whose output lands inside the row.
        for (long nb = 0; nb < batch; nb++) {
            for (long ic = 0; ic < c; ic++) {
                long grp = ic / cg;
                int xb = (int) ((nb * c + ic) * inPlane);
                for (long oc = 0; oc < mg; oc++) {
                    int ob = (int) ((nb * m + grp * mg + oc) * outPlane);
                    int wb = (int) ((ic * mg + oc) * kVol);
                    for (long kd = 0; kd < k3[0]; kd++) for (long kh = 0; kh < k3[1]; kh++) for (long kw = 0; kw < k3[2]; kw++) {
                        double wt = wv[wb + (int) ((kd * k3[1] + kh) * k3[2] + kw)];
                        long ow0 = kw * d3[2] - p3[2];
                        int iwLo = (int) Math.max(0, Math.ceilDiv(-ow0, s3[2]));
                        int iwHi = (int) Math.min(i3[2], Math.floorDiv(o3[2] - 1 - ow0, s3[2]) + 1);
                        if (iwLo >= iwHi) continue;
                        for (long id = 0; id < i3[0]; id++) {
                            long od = id * s3[0] + kd * d3[0] - p3[0];
                            if (od < 0 || od >= o3[0]) continue;
                            for (long ih = 0; ih < i3[1]; ih++) {
                                long oh = ih * s3[1] + kh * d3[1] - p3[1];
                                if (oh < 0 || oh >= o3[1]) continue;
                                int irow = xb + (int) ((id * i3[1] + ih) * i3[2]);
                                int orow = ob + (int) ((od * o3[1] + oh) * o3[2] + ow0);
                                for (int iw = iwLo; iw < iwHi; iw++) res[orow + iw * sw] += wt * xv[irow + iw];
                            }
                        }
                    }
                }
            }
        }
        double[] bias = b == null ? null : doubles(b);
        Tensor result = Tensor.allocate(x.dtype(), outShape);
        for (int i = 0; i < res.length; i++) {
            result.setDouble(i, bias == null ? res[i] : res[i] + bias[(int) ((i / outPlane) % m)]);
        }
        return result;
    }

    private static int[] ints(long[] v) {
        int[] r = new int[v.length];
        for (int i = 0; i < v.length; i++) r[i] = Math.toIntExact(v[i]);
        return r;
    }

    private static long[] lead3(long[] v, long fill) {
        long[] r = new long[3];
        Arrays.fill(r, fill);
        System.arraycopy(v, 0, r, 3 - v.length, v.length);
        return r;
    }

    private static long[] positive(long[] v, String attr) {
        for (long e : v) if (e <= 0) throw new IllegalArgumentException(attr + " must be positive, got " + Arrays.toString(v));
        return v;
    }

    private static long[] sized(long[] v, int n, String attr) {
        if (v.length != n) {
            throw new IllegalArgumentException(attr + " " + Arrays.toString(v) + " has " + v.length + " entries, expected "
                    + n);
        }
        return v;
    }

    private static long[] ones(int n) {
        long[] r = new long[n];
        Arrays.fill(r, 1);
        return r;
    }
}
