package io.jengine.cpu.ref;

import static io.jengine.cpu.ref.KernelSupport.tensor;

import io.jengine.ir.Node;
import io.jengine.tensor.Value;
import io.jengine.spi.KernelRegistry;
import io.jengine.tensor.DType;
import io.jengine.tensor.Shapes;
import io.jengine.tensor.Tensor;
import java.util.Arrays;

/** MaxPool (with Indices), AveragePool, LpPool, their Global forms, and MaxUnpool, 1-D to 3-D. */
final class PoolKernels {
    private PoolKernels() {}

    enum Kind { MAX, AVG, LP }

    static void register(KernelRegistry r) {
        r.add("MaxPool", 1, n -> {
            ConvGeometry.checkAttributes(n.node());
            return (ctx, in) -> pool(n.node(), tensor(in, 0), Kind.MAX);
        });
        r.add("AveragePool", 1, n -> {
            ConvGeometry.checkAttributes(n.node());
            return (ctx, in) -> pool(n.node(), tensor(in, 0), Kind.AVG);
        });
        r.add("LpPool", 1, n -> {
            ConvGeometry.checkAttributes(n.node());
            return (ctx, in) -> pool(n.node(), tensor(in, 0), Kind.LP);
        });
        r.add("GlobalMaxPool", 1, n -> (ctx, in) -> new Value[] {global(tensor(in, 0), Kind.MAX, 2)});
        r.add("GlobalAveragePool", 1, n -> (ctx, in) -> new Value[] {global(tensor(in, 0), Kind.AVG, 2)});
        r.add("GlobalLpPool", 1, n -> {
            double p = lpOrder(n.node());
            return (ctx, in) -> new Value[] {global(tensor(in, 0), Kind.LP, p)};
        });
        r.add("MaxUnpool", 9, n -> MaxUnpool.create(n.node()));
    }

    private static Value[] pool(Node node, Tensor x, Kind kind) {
        long[] xs = x.shape();
        long[] kernel = node.attrInts("kernel_shape", null);
        if (kernel == null) throw new IllegalArgumentException("attribute kernel_shape is required");
        if (xs.length != kernel.length + 2) {
            throw new IllegalArgumentException("X " + x.describe() + " must have rank " + (kernel.length + 2)
                    + " for kernel_shape " + Arrays.toString(kernel));
        }
        boolean ceil = node.attrInt("ceil_mode", 0) != 0;
        boolean includePad = node.attrInt("count_include_pad", 0) != 0;
        double p = kind == Kind.LP ? lpOrder(node) : 2;
        boolean columnMajor = node.attrInt("storage_order", 0) != 0;
        ConvGeometry g = ConvGeometry.forward(node, Arrays.copyOfRange(xs, 2, xs.length), kernel, ceil);
        ConvGeometry g3 = g.to3d();
        int sp = xs.length - 2;
        long[] outShape = new long[xs.length];
        outShape[0] = xs[0];
        outShape[1] = xs[1];
        System.arraycopy(g.out(), 0, outShape, 2, sp);
        Tensor out = Tensor.allocate(x.dtype(), outShape);
        Tensor indices = kind == Kind.MAX && node.hasOutput(1) ? Tensor.allocate(DType.INT64, outShape) : null;
        int[] in = ints(g3.in()), k = ints(g3.kernel()), s = ints(g3.strides()), d = ints(g3.dilations());
        int[] pb = ints(g3.padBegin()), pe = ints(g3.padEnd()), o = ints(g3.out());
        int inPlane = in[0] * in[1] * in[2], outPlane = o[0] * o[1] * o[2], planes = Math.toIntExact(xs[0] * xs[1]);
        double[] xv = ConvKernels.doubles(x);
        boolean integer = !x.dtype().isFloatingPoint();
        int oe = 0;
        for (int pl = 0; pl < planes; pl++) {
            int xb = pl * inPlane;
            for (int od = 0; od < o[0]; od++) for (int oh = 0; oh < o[1]; oh++) for (int ow = 0; ow < o[2]; ow++, oe++) {
                int d0 = od * s[0] - pb[0], h0 = oh * s[1] - pb[1], w0 = ow * s[2] - pb[2];
                double acc = kind == Kind.MAX ? Double.NEGATIVE_INFINITY : 0;
                int arg = -1, valid = 0, padded = 0;
                for (int kd = 0; kd < k[0]; kd++) {
                    int id = d0 + kd * d[0];
                    for (int kh = 0; kh < k[1]; kh++) {
                        int ih = h0 + kh * d[1];
                        for (int kw = 0; kw < k[2]; kw++) {
                            int iw = w0 + kw * d[2];
                            // count_include_pad counts taps inside the explicit pads, not those past them (ceil_mode).
                            if (id < in[0] + pe[0] && ih < in[1] + pe[1] && iw < in[2] + pe[2]) padded++;
                            if (id < 0 || id >= in[0] || ih < 0 || ih >= in[1] || iw < 0 || iw >= in[2]) continue;
                            int e = (id * in[1] + ih) * in[2] + iw;
                            double v = xv[xb + e];
                            valid++;
                            if (kind == Kind.MAX) {
                                if (v > acc || arg < 0 || Double.isNaN(v) && !Double.isNaN(acc)) { acc = v; arg = e; }
                            } else {
                                acc += kind == Kind.AVG ? v : Math.pow(Math.abs(v), p);
                            }
                        }
                    }
                }
                double res = switch (kind) {
                    case MAX -> acc;
                    case AVG -> acc / (includePad ? padded : valid);
                    case LP -> Math.pow(acc, 1.0 / p);
                };
                // A MaxPool window lying wholly in the padding has no element: integers take the type's lowest value.
                if (integer && kind == Kind.MAX && arg < 0) res = x.dtype() == DType.INT8 ? Byte.MIN_VALUE : 0;
                if (integer) out.setLong(oe, (long) res); else out.setDouble(oe, res);
                if (indices != null) {
                    indices.setLong(oe, (long) pl * inPlane + (columnMajor ? columnMajor(arg, g3.in(), sp) : arg));
                }
            }
        }
        return node.outputs().size() > 1 ? new Value[] {out, indices} : new Value[] {out};
    }

    private static int[] ints(long[] v) {
        int[] r = new int[v.length];
        for (int i = 0; i < v.length; i++) r[i] = Math.toIntExact(v[i]);
        return r;
    }

    /** Re-expresses a row-major spatial offset as the column-major offset MaxPool's storage_order=1 asks for. */
    private static long columnMajor(long e, long[] in3, int sp) {
        long[] in = Arrays.copyOfRange(in3, 3 - sp, 3);
        long[] st = Shapes.strides(in);
        long res = 0, mul = 1;
        for (int t = 0; t < sp; t++) {
            long idx = (e / st[t]) % in[t];
            res += idx * mul;
            mul *= in[t];
        }
        return res;
    }

    /** The p of LpPool / GlobalLpPool: version 1 declared it a float, later versions an int. */
    private static double lpOrder(Node node) {
        double p = node.hasAttr("p") && node.attr("p").kind() == io.jengine.ir.Attribute.Kind.FLOAT
                ? node.attrFloat("p", 2) : node.attrInt("p", 2);
        if (!(p > 0)) throw new IllegalArgumentException("attribute p must be positive, got " + p);
        return p;
    }

    private static Tensor global(Tensor x, Kind kind, double p) {
        long[] xs = x.shape();
        if (xs.length < 3) throw new IllegalArgumentException("X " + x.describe() + " must have rank at least 3");
        long planes = xs[0] * xs[1], inner = Shapes.size(Arrays.copyOfRange(xs, 2, xs.length));
        long[] outShape = xs.clone();
        for (int i = 2; i < outShape.length; i++) outShape[i] = 1;
        Tensor out = Tensor.allocate(x.dtype(), outShape);
        for (long pl = 0; pl < planes; pl++) {
            double acc = kind == Kind.MAX ? Double.NEGATIVE_INFINITY : 0;
            for (long i = 0; i < inner; i++) {
                double v = x.getDouble(pl * inner + i);
                acc = switch (kind) {
                    case MAX -> Math.max(acc, v);
                    case AVG -> acc + v;
                    case LP -> acc + Math.pow(Math.abs(v), p);
                };
            }
            out.setDouble(pl, kind == Kind.AVG ? acc / inner : kind == Kind.LP ? Math.pow(acc, 1.0 / p) : acc);
        }
        return out;
    }
}
