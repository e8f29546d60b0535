package io.jengine.opt.quant;

import io.jengine.tensor.DType;
import io.jengine.tensor.Tensor;
import java.lang.foreign.MemorySegment;

/**
 * Symmetric int8 quantization of a float32 weight tensor, one scale per index of one axis (per output channel), as
 * TensorRT and ONNX Runtime quantize weights: scale = max |w| / 127 over the channel, codes in [-127, 127] (the
 * symmetric range; -128 is never used), rounded half to even as ONNX's QuantizeLinear rounds. A smaller largest code
 * (63: 7-bit weights, for integer kernels without VNNI) narrows both alike. A channel of zeros gets scale 1 so that
 * its dequantized weights stay exactly zero and no scale is 0.
 */
public final class WeightQuantizer {
    private WeightQuantizer() {}

    /** The int8 codes (same shape) and the scales (one per index of {@code axis}). */
    public record Quantized(Tensor codes, float[] scales) {}

    /** The largest code of the full symmetric int8 range. */
    public static final int FULL_RANGE = 127;

    public static Quantized perChannel(Tensor w, int axis) { return perChannel(w, axis, FULL_RANGE); }

    /** As {@link #perChannel(Tensor, int)}, codes in [-maxCode, maxCode]. */
    public static Quantized perChannel(Tensor w, int axis, int maxCode) {
        if (maxCode < 1 || maxCode > FULL_RANGE) {
            throw new IllegalArgumentException("the largest code must be 1 to " + FULL_RANGE + ", got " + maxCode);
        }
        if (w.dtype() != DType.FLOAT32) throw new IllegalArgumentException("weights must be float32, got " + w.dtype());
        long[] shape = w.shape();
        if (axis < 0 || axis >= shape.length) {
            throw new IllegalArgumentException("axis " + axis + " out of range for weights of rank " + shape.length);
        }
        int channels = Math.toIntExact(shape[axis]);
        long inner = 1;
        for (int i = axis + 1; i < shape.length; i++) inner *= shape[i];
        // read once into an array: the passes below touch every weight several times
        float[] values = w.toFloatArray();
        float[] amax = new float[channels];
        for (int e = 0; e < values.length; e++) {
            int c = (int) ((e / inner) % channels);
            float v = values[e];
            if (!Float.isFinite(v)) throw new IllegalArgumentException("weights hold " + v + " at element " + e);
            amax[c] = Math.max(amax[c], Math.abs(v));
        }
        float[] scales = new float[channels];
        for (int c = 0; c < channels; c++) scales[c] = amax[c] > 0 ? amax[c] / maxCode : 1f;
        if (maxCode < FULL_RANGE) clipForLeastError(values, channels, inner, amax, maxCode, scales);
        byte[] codes = new byte[values.length];
        for (int e = 0; e < values.length; e++) {
            int c = (int) ((e / inner) % channels);
            double q = Math.rint(values[e] / scales[c]);
            codes[e] = (byte) Math.max(-maxCode, Math.min(maxCode, q));
        }
        return new Quantized(Tensor.fromBytes(DType.INT8, shape, MemorySegment.ofArray(codes)), scales);
    }

    /** The clipping ratios of a channel's max |w| tried by {@link #clipForLeastError}, from no clipping down. */
    private static final int CLIP_STEPS = 25;
    private static final double CLIP_STEP = 0.02;

    /**
     * With fewer codes (7 bits) a channel's few largest weights cost the many small ones half their resolution:
     * each channel's scale becomes the one, among clipping its range to 100%, 98%, ... 52% of max |w|, whose
     * quantized weights are nearest the float ones in squared error (max |w| itself when nothing does better).
     */
    private static void clipForLeastError(float[] w, int channels, long inner, float[] amax, int maxCode,
                                          float[] scales) {
        int per = w.length / channels;
        float[][] values = new float[channels][per];
        int[] filled = new int[channels];
        for (int e = 0; e < w.length; e++) {
            int c = (int) ((e / inner) % channels);
            values[c][filled[c]++] = w[e];
        }
        for (int c = 0; c < channels; c++) {
            if (!(amax[c] > 0)) continue;
            double best = Double.MAX_VALUE;
            for (int step = 0; step < CLIP_STEPS; step++) {
                float scale = (float) (amax[c] * (1 - step * CLIP_STEP) / maxCode);
                double err = 0;
                for (float v : values[c]) {
                    double q = Math.max(-maxCode, Math.min(maxCode, Math.rint(v / scale)));
                    double d = q * scale - v;
                    err += d * d;
                }
                if (err < best) {
                    best = err;
                    scales[c] = scale;
                }
            }
        }
    }
}
