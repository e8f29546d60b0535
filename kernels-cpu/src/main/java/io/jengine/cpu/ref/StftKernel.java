package io.jengine.cpu.ref;

import io.jengine.ir.Node;
import io.jengine.tensor.Value;
import io.jengine.spi.ExecutionContext;
import io.jengine.spi.ValueKernel;
import io.jengine.tensor.Tensor;

/**
 * ONNX STFT: frames of frame_length samples every frame_step along a (batch, length, 1 or 2) signal, each multiplied
 * by the window (ones when absent) and transformed; output (batch, frames, bins, 2) with bins = frame_length / 2 + 1
 * when onesided (the default).
 */
final class StftKernel implements ValueKernel {
    private final boolean onesided;

    StftKernel(Node node) { onesided = node.attrInt("onesided", 1) != 0; }

    @Override
    public Value[] run(ExecutionContext ctx, Value[] inputs) {
        Tensor signal = KernelSupport.tensor(inputs, 0);
        long step = KernelSupport.scalarLong(KernelSupport.tensor(inputs, 1));
        Tensor window = KernelSupport.optionalTensor(inputs, 2);
        Tensor lengthT = KernelSupport.optionalTensor(inputs, 3);
        if (!signal.dtype().isFloatingPoint() || signal.rank() != 3
                || (signal.dim(2) != 1 && signal.dim(2) != 2)) {
            throw new IllegalArgumentException("signal must be a float tensor of shape (batch, length, 1 or 2), got "
                    + signal.describe());
        }
        if (window != null && window.rank() != 1) {
            throw new IllegalArgumentException("window must be 1-D, got " + window.describe());
        }
        long frameLength = lengthT != null ? KernelSupport.scalarLong(lengthT)
                : window != null ? window.dim(0) : signal.dim(1);
        if (window != null && window.dim(0) != frameLength) {
            throw new IllegalArgumentException("window length must equal frame_length " + frameLength + ", got "
                    + window.dim(0));
        }
        long length = signal.dim(1);
        if (step < 1 || frameLength < 1 || frameLength > length) {
            throw new IllegalArgumentException("frame_step must be positive and frame_length in [1, " + length
                    + "], got " + step + " and " + frameLength);
        }
        int comps = (int) signal.dim(2);
        if (onesided && comps == 2) {
            throw new IllegalArgumentException("onesided STFT needs a real signal (last dim 1), got "
                    + signal.describe());
        }
        long frames = (length - frameLength) / step + 1;
        int n = (int) frameLength;
        int bins = onesided ? n / 2 + 1 : n;
        long batch = signal.dim(0);
        Tensor y = Tensor.allocate(signal.dtype(), batch, frames, bins, 2);
        double[] re = new double[n];
        double[] im = new double[n];
        for (long b = 0; b < batch; b++) {
            for (long f = 0; f < frames; f++) {
                for (int t = 0; t < n; t++) {
                    double w = window == null ? 1 : window.getDouble(t);
                    long off = (b * length + f * step + t) * comps;
                    re[t] = signal.getDouble(off) * w;
                    im[t] = comps == 2 ? signal.getDouble(off + 1) * w : 0;
                }
                double[][] res = ComplexDft.transform(re, im, n, bins, false);
                for (int k = 0; k < bins; k++) {
                    long off = ((b * frames + f) * bins + k) * 2;
                    y.setDouble(off, res[0][k]);
                    y.setDouble(off + 1, res[1][k]);
                }
            }
        }
        return new Value[] {y};
    }
}
