package io.jengine.cpu.ref;

import static io.jengine.cpu.ref.KernelSupport.optionalTensor;
import static io.jengine.cpu.ref.KernelSupport.tensor;

import io.jengine.ir.Node;
import io.jengine.tensor.Value;
import io.jengine.spi.ValueKernel;
import io.jengine.tensor.DType;
import io.jengine.tensor.Tensor;

/**
 * QLinearConv: the integer convolution of zero-point-shifted x and w (plus the int32 bias, which is already in the
 * accumulator's scale x_scale * w_scale), requantized to y's scale and zero point with round-half-to-even and
 * saturation to y's 8-bit type. w_scale and w_zero_point may be per output channel.
 */
final class QLinearConv {
    private QLinearConv() {}

    static ValueKernel create(Node node) {
        return (ctx, in) -> {
            Tensor x = tensor(in, 0), xScale = tensor(in, 1), xZero = tensor(in, 2);
            Tensor w = tensor(in, 3), wScale = tensor(in, 4), wZero = tensor(in, 5);
            Tensor yScale = tensor(in, 6), yZero = optionalTensor(in, 7), b = optionalTensor(in, 8);
            checkScalar(xScale, "x_scale");
            checkScalar(xZero, "x_zero_point");
            checkScalar(yScale, "y_scale");
            if (yZero != null) checkScalar(yZero, "y_zero_point");
            long[] ws = w.shape();
            if (ws.length < 3) throw new IllegalArgumentException("w " + w.describe() + " must have rank at least 3");
            long m = ws[0];
            if (wScale.size() != 1 && wScale.size() != m) {
                throw new IllegalArgumentException("w_scale has " + wScale.size() + " elements, expected 1 or " + m);
            }
            double[] xv = ConvKernels.doubles(x), wv = ConvKernels.doubles(w);
            double xz = xZero.getDouble(0);
            for (int i = 0; i < xv.length; i++) xv[i] -= xz;
            ConvKernels.subtractPerChannel(wv, ws, wZero, "w_zero_point");
            double[] bias = null;
            if (b != null) {
                if (b.size() != m) throw new IllegalArgumentException("B has " + b.size() + " elements, expected " + m);
                bias = b.toDoubleArray();
            }
            ConvKernels.Planes acc = ConvKernels.accumulate(node, x.shape(), xv, ws, wv, bias);
            DType outType = yZero != null ? yZero.dtype() : x.dtype();
            double lo = outType == DType.INT8 ? -128 : 0, hi = outType == DType.INT8 ? 127 : 255;
            double yz = yZero == null ? 0 : yZero.getDouble(0), ys = yScale.getDouble(0), xs = xScale.getDouble(0);
            long[] shape = acc.shape();
            long plane = 1;
            for (int i = 2; i < shape.length; i++) plane *= shape[i];
            double[] v = acc.values();
            Tensor out = Tensor.allocate(outType, shape);
            for (int i = 0; i < v.length; i++) {
                long oc = (i / plane) % m;
                double scale = xs * wScale.getDouble(wScale.size() == 1 ? 0 : oc) / ys;
                double q = Math.rint(v[i] * scale) + yz;
                out.setLong(i, (long) Math.min(hi, Math.max(lo, q)));
            }
            return new Value[] {out};
        };
    }

    private static void checkScalar(Tensor t, String what) {
        if (t.size() != 1) throw new IllegalArgumentException(what + " must be a scalar, got " + t.describe());
    }
}
