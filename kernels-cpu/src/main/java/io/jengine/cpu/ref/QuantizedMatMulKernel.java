package io.jengine.cpu.ref;

import static io.jengine.cpu.ref.KernelSupport.optionalTensor;
import static io.jengine.cpu.ref.KernelSupport.tensor;
import static io.jengine.ir.FusedOpSpec.QM_A;
import static io.jengine.ir.FusedOpSpec.QM_A_SCALE;
import static io.jengine.ir.FusedOpSpec.QM_A_ZERO;
import static io.jengine.ir.FusedOpSpec.QM_B;
import static io.jengine.ir.FusedOpSpec.QM_BIAS;
import static io.jengine.ir.FusedOpSpec.QM_B_SCALE;
import static io.jengine.ir.FusedOpSpec.QM_Y_SCALE;
import static io.jengine.ir.FusedOpSpec.QM_Y_ZERO;

import io.jengine.ir.FusedOpSpec;
import io.jengine.ir.Node;
import io.jengine.spi.ValueKernel;
import io.jengine.tensor.DType;
import io.jengine.tensor.Tensor;
import io.jengine.tensor.Value;
import java.util.function.DoubleUnaryOperator;

/**
 * {@code jengine::QuantizedMatMul} as its contract ({@link FusedOpSpec}) states it: each row of A (less its zero point)
 * times each column of B summed exactly (in double, which holds any int8 product's sum), scaled by
 * {@code a_scale · b_scale[n]}, the bias added, the activation applied and the result rounded to float32, as the unfused
 * QDQ graph holds it; then, with y_scale, QuantizeLinear's rounding (the quotient in float32, half to even) and
 * saturation. B is two-dimensional, so A's leading axes are simply rows.
 */
final class QuantizedMatMulKernel {
    private QuantizedMatMulKernel() {}

    static ValueKernel create(Node node) {
        DoubleUnaryOperator act = Activation.of(node.attrString(FusedOpSpec.ACTIVATION, FusedOpSpec.NO_ACTIVATION),
                node.attrFloats(FusedOpSpec.ACTIVATION_PARAMS, new float[0]));
        return (ctx, in) -> {
            Tensor a = tensor(in, QM_A), aScale = tensor(in, QM_A_SCALE), aZero = tensor(in, QM_A_ZERO);
            Tensor b = tensor(in, QM_B), bScale = tensor(in, QM_B_SCALE), bias = optionalTensor(in, QM_BIAS);
            Tensor yScale = optionalTensor(in, QM_Y_SCALE), yZero = optionalTensor(in, QM_Y_ZERO);
            QuantizedOperands.source("A", a, aScale, aZero);
            if (b.dtype() != DType.INT8 || b.rank() != 2) {
                throw new IllegalArgumentException("B must be a 2-D int8 tensor, got " + b.describe());
            }
            QuantizedOperands.output(yScale, yZero);
            if (a.rank() < 1) throw new IllegalArgumentException("A must not be a scalar");
            int k = (int) b.dim(0), n = (int) b.dim(1);
            if (a.dim(a.rank() - 1) != k) {
                throw new IllegalArgumentException("A " + a.describe() + " has " + a.dim(a.rank() - 1)
                        + " columns, B has " + k + " rows");
            }
            if (bScale.size() != 1 && bScale.size() != n) {
                throw new IllegalArgumentException("b_scale has " + bScale.size() + " elements, expected 1 or " + n);
            }
            if (bias != null && bias.size() != n) {
                throw new IllegalArgumentException("bias " + bias.describe() + " must have one entry per column (" + n + ")");
            }
            long[] shape = a.shape().clone();
            shape[shape.length - 1] = n;
            long rows = 1;
            for (int i = 0; i < a.rank() - 1; i++) rows *= a.dim(i);
            double[] av = ConvKernels.doubles(a), bv = ConvKernels.doubles(b);
            double az = aZero.getDouble(0), as = aScale.getDouble(0);
            Tensor out = Tensor.allocate(yZero != null ? yZero.dtype() : DType.FLOAT32, shape);
            for (long r = 0; r < rows; r++) {
                for (int j = 0; j < n; j++) {
                    double sum = 0;
                    for (int p = 0; p < k; p++) sum += (av[(int) (r * k + p)] - az) * bv[p * n + j];
                    double real = sum * as * bScale.getDouble(bScale.size() == 1 ? 0 : j);
                    if (bias != null) real += bias.getDouble(j);
                    float y = (float) act.applyAsDouble(real);
                    long i = r * n + j;
                    if (yScale == null) {
                        out.setDouble(i, y);
                    } else {
                        out.setLong(i, QuantizedOperands.requantize(y, yScale, yZero));
                    }
                }
            }
            return new Value[] {out};
        };
    }

}
