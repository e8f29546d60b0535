package io.jengine.calib;

/**
 * The threshold is the largest magnitude seen: nothing clips, at the price of a coarse step when a few values are far
 * larger than the rest. The right choice for weights and for tensors with a hard bound (a sigmoid's output); needs no
 * histogram.
 */
public final class MinMaxCalibrator implements Calibrator {
    static final String NAME = "minmax";

    @Override
    public String name() { return NAME; }

    /** TensorRT's {@code IInt8MinMaxCalibrator}. */
    @Override
    public String cacheAlgorithm() { return "MinMaxCalibration"; }

    @Override
    public boolean needsHistogram() { return false; }

    @Override
    public double threshold(TensorRange range, TensorHistogram histogram) { return range.amax(); }

    @Override
    public String toString() { return NAME; }
}
