package io.jengine.cpu.ref;

import io.jengine.ir.Node;
import io.jengine.tensor.Value;
import io.jengine.spi.ExecutionContext;
import io.jengine.spi.ValueKernel;
import io.jengine.tensor.DType;
import io.jengine.tensor.Tensor;

/**
 * ONNX MelWeightMatrix: a (dft_length / 2 + 1, num_mel_bins) matrix of triangular filters whose corners are
 * num_mel_bins + 2 points evenly spaced on the mel scale between the edge frequencies, snapped down to whole
 * spectrogram bins as the ONNX definition does.
 */
final class MelWeightMatrixKernel implements ValueKernel {
    private final DType dtype;

    MelWeightMatrixKernel(Node node) {
        dtype = WindowKernel.outputType(node.attrInt("output_datatype", DType.FLOAT32.onnxCode()));
    }

    @Override
    public Value[] run(ExecutionContext ctx, Value[] inputs) {
        long mels = KernelSupport.scalarLong(KernelSupport.tensor(inputs, 0));
        long dftLength = KernelSupport.scalarLong(KernelSupport.tensor(inputs, 1));
        long sampleRate = KernelSupport.scalarLong(KernelSupport.tensor(inputs, 2));
        double lower = KernelSupport.scalarDouble(KernelSupport.tensor(inputs, 3));
        double upper = KernelSupport.scalarDouble(KernelSupport.tensor(inputs, 4));
        if (mels < 1 || dftLength < 1 || sampleRate < 1) {
            throw new IllegalArgumentException("num_mel_bins, dft_length and sample_rate must be positive, got "
                    + mels + ", " + dftLength + ", " + sampleRate);
        }
        if (lower < 0 || upper < lower || upper > sampleRate / 2.0) {
            throw new IllegalArgumentException("edge frequencies must satisfy 0 <= lower <= upper <= sample_rate / 2, "
                    + "got " + lower + " and " + upper);
        }
        int bins = (int) (dftLength / 2 + 1);
        double lowMel = 2595 * Math.log10(1 + lower / 700);
        double highMel = 2595 * Math.log10(1 + upper / 700);
        double step = (highMel - lowMel) / (mels + 2);
        int[] corner = new int[(int) mels + 2];
        for (int i = 0; i < corner.length; i++) {
            double hz = 700 * (Math.pow(10, (i * step + lowMel) / 2595) - 1);
            corner[i] = (int) Math.floor((dftLength + 1) * hz / sampleRate);
        }
        int cols = (int) mels;
        double[] w = new double[bins * cols];
        for (int m = 0; m < cols; m++) {
            int left = corner[m], center = corner[m + 1], right = corner[m + 2];
            if (center == left) {
                set(w, bins, cols, center, m, 1);
            } else {
                for (int j = left; j <= center; j++) set(w, bins, cols, j, m, (double) (j - left) / (center - left));
            }
            for (int j = center; j < right; j++) set(w, bins, cols, j, m, (double) (right - j) / (right - center));
        }
        return new Value[] {Tensor.fromDoubles(dtype, new long[] {bins, mels}, w)};
    }

    private static void set(double[] w, int bins, int mels, int row, int col, double v) {
        if (row >= 0 && row < bins) w[row * mels + col] = v;
    }
}
