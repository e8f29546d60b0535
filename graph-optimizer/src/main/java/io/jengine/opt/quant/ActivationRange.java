package io.jengine.opt.quant;

/**
 * What calibration found for one activation tensor: the clipping threshold its calibrator chose, and whether the
 * graph guarantees it non-negative. A non-negative tensor (the output of a Relu) is quantized to uint8, twice the
 * resolution of int8 over the same range; any other to int8. Both are symmetric: zero point 0.
 *
 * @param amax        the threshold: values beyond +-amax saturate
 * @param nonNegative no value can be negative
 */
public record ActivationRange(double amax, boolean nonNegative) {
    public ActivationRange {
        if (!(amax > 0) || Double.isInfinite(amax)) {
            throw new IllegalArgumentException("activation threshold must be positive and finite, got " + amax);
        }
    }

    /** The quantization step: amax over the largest code, 255 for uint8 and 127 for int8. */
    public float scale() { return (float) (amax / (nonNegative ? 255.0 : 127.0)); }
}
