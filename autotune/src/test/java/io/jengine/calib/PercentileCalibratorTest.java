package io.jengine.calib;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PercentileCalibratorTest {
    private static final float[] UNIFORM = Samples.uniform(21, 1_000_000);

    /** The percentile of the sample itself, within one bin of the histogram's, whatever the percentile. */
    @ParameterizedTest
    @ValueSource(doubles = {50, 90, 99, 99.9, 99.99})
    void matchesTheSamplesOwnPercentileWithinABin(double p) {
        TensorHistogram h = Samples.histogram(UNIFORM);
        double t = new PercentileCalibrator(p).threshold(Samples.range(UNIFORM), h);
        float[] sorted = UNIFORM.clone();
        Arrays.sort(sorted);
        double exact = sorted[(int) Math.ceil(p / 100 * sorted.length) - 1];
        assertEquals(exact, t, h.binWidth(), "percentile " + p);
        assertEquals(p / 100, t, h.binWidth() + 0.002, "of uniform [0, 1)");
    }

    @Test
    void ninetyNineOnUniformIsNinetyNineHundredths() {
        TensorHistogram h = Samples.histogram(UNIFORM);
        double t = new PercentileCalibrator(99).threshold(Samples.range(UNIFORM), h);
        assertEquals(0.99, t, h.binWidth());
    }

    @Test
    void aHundredIsTheLargestMagnitude() {
        float[] values = Samples.gaussian(4, 100_000);
        TensorRange range = Samples.range(values);
        assertEquals(range.amax(), new PercentileCalibrator(100).threshold(range, Samples.histogram(values)));
    }

    @Test
    void theDefaultClipsOneValueInTenThousand() {
        float[] values = Samples.gaussian(8, 1_000_000);
        double t = Samples.threshold(new PercentileCalibrator(), values);
        long above = 0;
        for (float v : values) if (Math.abs(v) > t) above++;
        assertEquals(100, above, 3, "1e6 values at 99.99 % leave 100 above, give or take the bin's interpolation");
        // |x| of a standard normal passes 99.99 % at 3.89.
        assertTrue(t > 3.8 && t < 4.0, "threshold " + t);
    }

    @Test
    void interpolatesWithinTheBin() {
        // 2048 bins of width 1. 60 % of 5 values is 3, the 3rd of the 4 in bin 10: three quarters into that bin.
        TensorRange range = new TensorRange();
        TensorHistogram h = new TensorHistogram(2048);
        float[] values = {10.1f, 10.2f, 10.3f, 10.4f, 2048f};
        range.add(values, 0, values.length);
        h.add(values, 0, values.length);
        assertEquals(10.75, new PercentileCalibrator(60).threshold(range, h), 1e-12, "3 of 5 values: 60 %");
    }
}
