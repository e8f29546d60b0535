package io.jengine.cpu.ref;

import static io.jengine.cpu.ref.KernelSupport.optionalTensor;
import static io.jengine.cpu.ref.KernelSupport.tensor;
import static io.jengine.ir.FusedOpSpec.QC_B;
import static io.jengine.ir.FusedOpSpec.QC_RESIDUAL;
import static io.jengine.ir.FusedOpSpec.QC_W;
import static io.jengine.ir.FusedOpSpec.QC_W_SCALE;
import static io.jengine.ir.FusedOpSpec.QC_X;
import static io.jengine.ir.FusedOpSpec.QC_X_SCALE;
import static io.jengine.ir.FusedOpSpec.QC_X_ZERO;
import static io.jengine.ir.FusedOpSpec.QC_Y_SCALE;
import static io.jengine.ir.FusedOpSpec.QC_Y_ZERO;
import static io.jengine.ir.FusedOpSpec.QC_Z_SCALE;
import static io.jengine.ir.FusedOpSpec.QC_Z_ZERO;

import io.jengine.ir.FusedOpSpec;
import io.jengine.ir.Node;
import io.jengine.spi.ValueKernel;
import io.jengine.tensor.DType;
import io.jengine.tensor.Shapes;
import io.jengine.tensor.Tensor;
import io.jengine.tensor.Value;
import java.util.Arrays;
import java.util.function.DoubleUnaryOperator;

/**
 * {@code jengine::QuantizedConv} as its contract ({@link FusedOpSpec}) states it: the integer products summed exactly
 * (in double, which holds any int8 convolution's sum), scaled by {@code x_scale · w_scale[oc]}, the bias and residual
 * added, the activation applied and the result rounded to float32, as the unfused QDQ graph holds it; then, with
 * y_scale, QuantizeLinear's rounding (the quotient in float32, half to even) and saturation.
 */
final class QuantizedConvKernel {
    private QuantizedConvKernel() {}

    static ValueKernel create(Node node) {
        boolean blocked = node.hasAttr(FusedOpSpec.BLOCK);
        int block = blocked ? FusedKernels.block(node) : -1;
        DoubleUnaryOperator act = Activation.of(node.attrString(FusedOpSpec.ACTIVATION, FusedOpSpec.NO_ACTIVATION),
                node.attrFloats(FusedOpSpec.ACTIVATION_PARAMS, new float[0]));
        return (ctx, in) -> {
            Tensor x = tensor(in, QC_X), xScale = tensor(in, QC_X_SCALE), xZero = tensor(in, QC_X_ZERO);
            Tensor w = tensor(in, QC_W), wScale = tensor(in, QC_W_SCALE);
            Tensor b = optionalTensor(in, QC_B), z = optionalTensor(in, QC_RESIDUAL);
            Tensor yScale = optionalTensor(in, QC_Y_SCALE), yZero = optionalTensor(in, QC_Y_ZERO);
            QuantizedOperands.source("X", x, xScale, xZero);
            if (w.dtype() != DType.INT8) throw new IllegalArgumentException("W must be int8, got " + w.describe());
            QuantizedOperands.output(yScale, yZero);
            if (blocked && x.rank() == 5) x = ChannelBlocking.unblock(x, block);
            long[] ws = w.shape();
            long m = ws.length == 0 ? 0 : ws[0];
            if (wScale.size() != 1 && wScale.size() != m) {
                throw new IllegalArgumentException("w_scale has " + wScale.size() + " elements, expected 1 or " + m);
            }
            double[] xv = ConvKernels.doubles(x), wv = ConvKernels.doubles(w);
            double xz = xZero.getDouble(0);
            for (int i = 0; i < xv.length; i++) xv[i] -= xz;
            ConvKernels.Planes acc = ConvKernels.accumulate(node, x.shape(), xv, ws, wv, null);
            long[] shape = acc.shape();
            if (b != null && (b.rank() != 1 || b.size() != m)) {
                throw new IllegalArgumentException("B " + b.describe() + " must have one entry per output channel (" + m + ")");
            }
            if (z != null) {
                if (blocked) z = ChannelBlocking.unblock(z, block);
                if (z.dtype() == DType.UINT8 || z.dtype() == DType.INT8) z = dequantized(z, in);
                else if (z.dtype() != DType.FLOAT32) {
                    throw new IllegalArgumentException("residual Z must be float32, uint8 or int8, got " + z.describe());
                }
                if (!Arrays.equals(z.shape(), shape)) {
                    throw new IllegalArgumentException("residual Z has shape " + Shapes.format(z.shape())
                            + ", the convolution produces " + Shapes.format(shape));
                }
            }
            long plane = 1;
            for (int i = 2; i < shape.length; i++) plane *= shape[i];
            double[] v = acc.values();
            double xs = xScale.getDouble(0);
            Tensor out = Tensor.allocate(yZero != null ? yZero.dtype() : DType.FLOAT32, shape);
            for (int i = 0; i < v.length; i++) {
                int oc = (int) ((i / plane) % m);
                double real = v[i] * xs * wScale.getDouble(wScale.size() == 1 ? 0 : oc);
                if (b != null) real += b.getDouble(oc);
                if (z != null) real += z.getDouble(i);
                float y = (float) act.applyAsDouble(real);
                if (yScale == null) {
                    out.setDouble(i, y);
                } else {
                    out.setLong(i, QuantizedOperands.requantize(y, yScale, yZero));
                }
            }
            return new Value[] {blocked ? ChannelBlocking.block(out, block) : out};
        };
    }

    /** Integer residual codes in real units, with the node's z_scale and z_zero_point. */
    private static Tensor dequantized(Tensor z, Value[] in) {
        Tensor zs = optionalTensor(in, QC_Z_SCALE), zz = optionalTensor(in, QC_Z_ZERO);
        if (zs == null || zz == null) {
            throw new IllegalArgumentException("an integer residual Z needs z_scale and z_zero_point");
        }
        QuantizedOperands.scalar(zs, "z_scale");
        QuantizedOperands.scalar(zz, "z_zero_point");
        if (zz.dtype() != z.dtype()) {
            throw new IllegalArgumentException("z_zero_point " + zz.describe() + " must have Z's type " + z.dtype());
        }
        // float32, as DequantizeLinear with a float32 scale gives it
        Tensor out = Tensor.allocate(DType.FLOAT32, z.shape());
        double s = zs.getDouble(0), zp = zz.getDouble(0);
        for (long i = 0; i < z.size(); i++) out.setDouble(i, (z.getDouble(i) - zp) * s);
        return out;
    }
}
