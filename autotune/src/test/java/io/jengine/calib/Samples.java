package io.jengine.calib;

import java.util.Random;

/** Generated calibration data with fixed seeds, and the two passes over it that calibration makes. */
final class Samples {
    private Samples() {}

    /** {@code n} values of a standard normal distribution. */
    static float[] gaussian(long seed, int n) {
        Random r = new Random(seed);
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = (float) r.nextGaussian();
        return v;
    }

    /** {@code n} values uniform in {@code [0, 1)}. */
    static float[] uniform(long seed, int n) {
        Random r = new Random(seed);
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = r.nextFloat();
        return v;
    }

    /** The first calibration pass over {@code values}. */
    static TensorRange range(float[] values) {
        TensorRange range = new TensorRange();
        range.add(values, 0, values.length);
        return range;
    }

    /** The second calibration pass over {@code values}, over the first pass's range. */
    static TensorHistogram histogram(float[] values) {
        TensorHistogram h = new TensorHistogram(range(values).amax());
        h.add(values, 0, values.length);
        return h;
    }

    /** The threshold {@code calibrator} picks for {@code values}, after both passes. */
    static double threshold(Calibrator calibrator, float[] values) {
        return calibrator.threshold(range(values), histogram(values));
    }
}
