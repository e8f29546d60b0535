package io.jengine.cpu.ref;

import io.jengine.ir.Node;
import io.jengine.tensor.Value;
import io.jengine.spi.ExecutionContext;
import io.jengine.spi.ValueKernel;
import io.jengine.tensor.Tensor;

/**
 * ONNX DFT. The input's last axis holds one (real) or two (real, imaginary) components; the transform runs along
 * {@code axis}, an attribute defaulting to 1 in opset 17 and an optional input defaulting to -2 from opset 20.
 * {@code onesided} forward returns the first floor(n/2)+1 bins; onesided inverse is the inverse real transform
 * (one-sided complex spectrum in, real signal of dft_length, by default 2 * (bins - 1), out).
 */
final class DftKernel implements ValueKernel {
    private final boolean axisInput;
    private final long axisAttr;
    private final boolean inverse;
    private final boolean onesided;

    DftKernel(Node node, boolean axisInput) {
        this.axisInput = axisInput;
        axisAttr = node.attrInt("axis", 1);
        inverse = node.attrInt("inverse", 0) != 0;
        onesided = node.attrInt("onesided", 0) != 0;
    }

    @Override
    public Value[] run(ExecutionContext ctx, Value[] inputs) {
        Tensor x = KernelSupport.tensor(inputs, 0);
        Tensor lengthT = KernelSupport.optionalTensor(inputs, 1);
        Tensor axisT = axisInput ? KernelSupport.optionalTensor(inputs, 2) : null;
        int rank = x.rank();
        if (!x.dtype().isFloatingPoint() || rank < 2 || (x.dim(rank - 1) != 1 && x.dim(rank - 1) != 2)) {
            throw new IllegalArgumentException("input must be a float tensor whose last dim is 1 (real) or 2 "
                    + "(complex), got " + x.describe());
        }
        long a = axisInput ? (axisT == null ? -2 : KernelSupport.scalarLong(axisT)) : axisAttr;
        if (a < -rank || a >= rank - 1 || a == -1) {
            throw new IllegalArgumentException("axis must select a signal dimension in [" + (-rank) + ", "
                    + (rank - 2) + "] other than the last, got " + a);
        }
        int axis = (int) (a < 0 ? a + rank : a);
        long inLen = x.dim(axis);
        boolean irfft = inverse && onesided;
        long n = lengthT != null ? KernelSupport.scalarLong(lengthT) : irfft ? 2 * (inLen - 1) : inLen;
        if (n < 1) throw new IllegalArgumentException("dft_length must be positive, got " + n);
        int comps = (int) x.dim(rank - 1);
        long outLen = irfft ? n : onesided ? n / 2 + 1 : n;
        long[] outShape = x.shape();
        outShape[axis] = outLen;
        outShape[rank - 1] = irfft ? 1 : 2;
        Tensor y = Tensor.allocate(x.dtype(), outShape);
        long inner = 1;
        for (int d = axis + 1; d < rank - 1; d++) inner *= x.dim(d);
        long outer = 1;
        for (int d = 0; d < axis; d++) outer *= x.dim(d);
        double[] re = new double[(int) inLen];
        double[] im = new double[(int) inLen];
        int outComps = (int) outShape[rank - 1];
        for (long o = 0; o < outer; o++) {
            for (long i = 0; i < inner; i++) {
                for (int t = 0; t < inLen; t++) {
                    long off = ((o * inLen + t) * inner + i) * comps;
                    re[t] = x.getDouble(off);
                    im[t] = comps == 2 ? x.getDouble(off + 1) : 0;
                }
                double[][] res = irfft ? new double[][] {ComplexDft.inverseReal(re, im, (int) n)}
                        : ComplexDft.transform(re, im, (int) n, (int) outLen, inverse);
                for (int k = 0; k < outLen; k++) {
                    long off = ((o * outLen + k) * inner + i) * outComps;
                    y.setDouble(off, res[0][k]);
                    if (outComps == 2) y.setDouble(off + 1, res[1][k]);
                }
            }
        }
        return new Value[] {y};
    }
}
