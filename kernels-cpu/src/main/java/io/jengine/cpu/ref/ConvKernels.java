package io.jengine.cpu.ref;

import static io.jengine.cpu.ref.KernelSupport.optionalTensor;
import static io.jengine.cpu.ref.KernelSupport.tensor;

import io.jengine.ir.Node;
import io.jengine.runtime.Value;
import io.jengine.spi.KernelRegistry;
import io.jengine.tensor.DType;
import io.jengine.tensor.Shapes;
import io.jengine.tensor.Tensor;
import java.util.Arrays;

/**
 * Conv, ConvInteger and ConvTranspose, 1-D to 3-D, grouped. The direct loop nest runs over one output plane at a
 * time with the kernel offset outside and the output row inside, so the innermost loop walks contiguous memory; the
 * elements are copied to double arrays once per call.
 */
final class ConvKernels {
    private ConvKernels() {}

    static void register(KernelRegistry r) {
        r.add("Conv", 1, n -> (ctx, in) -> new Value[] {conv(n.node(), tensor(in, 0), tensor(in, 1), optionalTensor(in, 2),
                null, null, null)});
        r.add("ConvInteger", 10, n -> (ctx, in) -> new Value[] {conv(n.node(), tensor(in, 0), tensor(in, 1), null,
                optionalTensor(in, 2), optionalTensor(in, 3), DType.INT32)});
        r.add("ConvTranspose", 1, n -> (ctx, in) -> new Value[] {convTranspose(n.node(), tensor(in, 0), tensor(in, 1),
                optionalTensor(in, 2))});
    }

    static Tensor conv(Node node, Tensor x, Tensor w, Tensor b, Tensor xZero, Tensor wZero, DType outType) {
        long[] xs = x.shape(), ws = w.shape();
        if (xs.length < 3 || ws.length != xs.length) {
            throw new IllegalArgumentException("X " + Shapes.format(xs) + " and W " + Shapes.format(ws)
                    + " must have the same rank, at least 3");
        }
        long group = node.attrInt("group", 1);
        long batch = xs[0], c = xs[1], m = ws[0];
        if (c != ws[1] * group) {
            throw new IllegalArgumentException("X has " + c + " channels but W " + Shapes.format(ws) + " with group "
                    + group + " expects " + ws[1] * group);
        }
        if (m % group != 0) throw new IllegalArgumentException(m + " output channels cannot be split into " + group + " groups");
        int sp = xs.length - 2;
        long[] kernel = node.attrInts("kernel_shape", Arrays.copyOfRange(ws, 2, ws.length));
        ConvGeometry g = ConvGeometry.forward(node, Arrays.copyOfRange(xs, 2, xs.length), kernel, false);
        ConvGeometry g3 = g.to3d();
        long[] outShape = new long[xs.length];
        outShape[0] = batch;
        outShape[1] = m;
        System.arraycopy(g.out(), 0, outShape, 2, sp);
        double[] xv = x.toDoubleArray(), wv = w.toDoubleArray();
        if (xZero != null) { double z = xZero.getDouble(0); for (int i = 0; i < xv.length; i++) xv[i] -= z; }
        if (wZero != null) {
            long per = wv.length / m;
            for (int i = 0; i < wv.length; i++) wv[i] -= wZero.getDouble(wZero.size() == 1 ? 0 : i / per);
        }
        int cg = (int) (c / group), mg = (int) (m / group);
        int[] in = toInts(g3.in()), k = toInts(g3.kernel()), s = toInts(g3.strides()), d = toInts(g3.dilations());
        int[] p = toInts(g3.padBegin()), o = toInts(g3.out());
        int inPlane = in[0] * in[1] * in[2], outPlane = o[0] * o[1] * o[2], kVol = k[0] * k[1] * k[2];
        double[] out = new double[Math.toIntExact(batch * m * outPlane)];
        for (int nb = 0; nb < batch; nb++) {
            for (int oc = 0; oc < m; oc++) {
                int grp = oc / mg;
                int ob = (int) ((nb * m + oc) * outPlane);
                if (b != null) Arrays.fill(out, ob, ob + outPlane, b.getDouble(oc));
                for (int ic = 0; ic < cg; ic++) {
                    int xb = (int) ((nb * c + (long) grp * cg + ic) * inPlane);
                    int wb = (oc * cg + ic) * kVol;
                    for (int kd = 0; kd < k[0]; kd++) for (int kh = 0; kh < k[1]; kh++) for (int kw = 0; kw < k[2]; kw++) {
                        double wt = wv[wb + (kd * k[1] + kh) * k[2] + kw];
                        // The output columns whose input column is inside the image, so the inner loop has no test.
                        int off = kw * d[2] - p[2];
                        int owFrom = Math.max(0, Math.ceilDiv(-off, s[2]));
                        int owTo = Math.min(o[2], Math.floorDiv(in[2] - 1 - off, s[2]) + 1);
                        for (int od = 0; od < o[0]; od++) {
                            int id = od * s[0] - p[0] + kd * d[0];
                            if (id < 0 || id >= in[0]) continue;
                            for (int oh = 0; oh < o[1]; oh++) {
                                int ih = oh * s[1] - p[1] + kh * d[1];
                                if (ih < 0 || ih >= in[1]) continue;
                                int orow = ob + (od * o[1] + oh) * o[2];
                                int irow = xb + (id * in[1] + ih) * in[2] + off;
                                for (int ow = owFrom; ow < owTo; ow++) out[orow + ow] += wt * xv[irow + ow * s[2]];
                            }
                        }
                    }
                }
            }
        }
        Tensor result = Tensor.allocate(outType == null ? x.dtype() : outType, outShape);
        boolean integer = !result.dtype().isFloatingPoint();
        for (int i = 0; i < out.length; i++) {
            if (integer) result.setLong(i, Math.round(out[i])); else result.setDouble(i, out[i]);
        }
        return result;
    }

    static Tensor convTranspose(Node node, Tensor x, Tensor w, Tensor b) {
        long[] xs = x.shape(), ws = w.shape();
        int sp = xs.length - 2;
        long group = node.attrInt("group", 1);
        long batch = xs[0], c = xs[1], mg = ws[1], m = mg * group;
        if (ws[0] != c) throw new IllegalArgumentException("W " + Shapes.format(ws) + " must have " + c + " input channels");
        long[] kernel = node.attrInts("kernel_shape", Arrays.copyOfRange(ws, 2, ws.length));
        long[] strides = node.attrInts("strides", ones(sp)), dil = node.attrInts("dilations", ones(sp));
        long[] outPad = node.attrInts("output_padding", new long[sp]);
        long[] outShapeAttr = node.attrInts("output_shape", null);
        long[] pads = node.attrInts("pads", new long[2 * sp]);
        String autoPad = node.attrString("auto_pad", "NOTSET");
        long[] in = Arrays.copyOfRange(xs, 2, xs.length), out = new long[sp], pb = new long[sp];
        for (int i = 0; i < sp; i++) {
            long full = strides[i] * (in[i] - 1) + outPad[i] + (kernel[i] - 1) * dil[i] + 1;
            if (outShapeAttr != null || autoPad.startsWith("SAME")) {
                out[i] = outShapeAttr != null ? outShapeAttr[outShapeAttr.length - sp + i] : in[i] * strides[i];
                long total = full - out[i];
                pb[i] = autoPad.equals("SAME_UPPER") ? Math.floorDiv(total, 2) : total - Math.floorDiv(total, 2);
            } else {
                pb[i] = autoPad.equals("VALID") ? 0 : pads[i];
                long pe = autoPad.equals("VALID") ? 0 : pads[i + sp];
                out[i] = full - pb[i] - pe;
            }
        }
        long[] outShape = new long[xs.length];
        outShape[0] = batch;
        outShape[1] = m;
        System.arraycopy(out, 0, outShape, 2, sp);
        long[] inStr = Shapes.strides(in), outStr = Shapes.strides(out), kStr = Shapes.strides(kernel);
        long inPlane = Shapes.size(in), outPlane = Shapes.size(out), kVol = Shapes.size(kernel);
        double[] xv = x.toDoubleArray(), wv = w.toDoubleArray();
        double[] res = new double[(int) (batch * m * outPlane)];
        long cg = c / group;
        long[] ip = new long[sp], kp = new long[sp];
        for (long nb = 0; nb < batch; nb++) {
            for (long ic = 0; ic < c; ic++) {
                long grp = ic / cg;
                for (long oc = 0; oc < mg; oc++) {
                    long ob = (nb * m + grp * mg + oc) * outPlane;
                    long wb = (ic * mg + oc) * kVol;
                    for (long e = 0; e < inPlane; e++) {
                        double xvv = xv[(int) ((nb * c + ic) * inPlane + e)];
                        for (int t = 0; t < sp; t++) ip[t] = (e / inStr[t]) % in[t];
                        for (long kk = 0; kk < kVol; kk++) {
                            long off = 0;
                            boolean inside = true;
                            for (int t = 0; t < sp; t++) {
                                kp[t] = (kk / kStr[t]) % kernel[t];
                                long pos = ip[t] * strides[t] - pb[t] + kp[t] * dil[t];
                                if (pos < 0 || pos >= out[t]) { inside = false; break; }
                                off += pos * outStr[t];
                            }
                            if (inside) res[(int) (ob + off)] += xvv * wv[(int) (wb + kk)];
                        }
                    }
                }
            }
        }
        Tensor result = Tensor.allocate(x.dtype(), outShape);
        for (int i = 0; i < res.length; i++) {
            double bias = b == null ? 0 : b.getDouble((i / outPlane) % m);
            result.setDouble(i, res[i] + bias);
        }
        return result;
    }

    private static int[] toInts(long[] v) {
        int[] r = new int[v.length];
        for (int i = 0; i < v.length; i++) r[i] = Math.toIntExact(v[i]);
        return r;
    }

    private static long[] ones(int n) {
        long[] r = new long[n];
        Arrays.fill(r, 1);
        return r;
    }
}
