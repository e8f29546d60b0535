package io.jengine.calib;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The factory, the names, and what every calibrator does at the edges. */
class CalibratorTest {
    private static final List<Calibrator> ALL = List.of(new MinMaxCalibrator(), new EntropyCalibrator(),
            new PercentileCalibrator(), new MseCalibrator());

    @ParameterizedTest(name = "{0}")
    @CsvSource({
            "minmax,     MinMaxCalibration,     false",
            "entropy,    EntropyCalibration2,   true",
            "percentile, PercentileCalibration, true",
            "mse,        MseCalibration,        true",
    })
    void theFactoryKnowsEachCalibratorByName(String name, String cacheAlgorithm, boolean needsHistogram) {
        Calibrator c = Calibrator.named(name, 99.9);
        assertEquals(name, c.name());
        assertEquals(cacheAlgorithm, c.cacheAlgorithm());
        assertEquals(needsHistogram, c.needsHistogram());
        assertEquals(name, Calibrator.named(name.toUpperCase(java.util.Locale.ROOT), 99.9).name());
    }

    @Test
    void theFactoryPassesThePercentileOn() {
        PercentileCalibrator p = assertInstanceOf(PercentileCalibrator.class, Calibrator.named("percentile", 99.5));
        assertEquals(99.5, p.percentile());
        assertEquals(PercentileCalibrator.DEFAULT_PERCENTILE, new PercentileCalibrator().percentile());
    }

    @Test
    void anUnknownNameListsTheValidOnes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Calibrator.named("kl", 99.99));
        assertTrue(e.getMessage().contains("'kl'"), e.getMessage());
        for (String valid : List.of("minmax", "entropy", "percentile", "mse")) {
            assertTrue(e.getMessage().contains(valid), e.getMessage());
        }
    }

    @ParameterizedTest
    @ValueSource(doubles = {0, -1, 100.01, Double.NaN, Double.POSITIVE_INFINITY})
    void aPercentileOutsideZeroToHundredIsRejected(double p) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new PercentileCalibrator(p));
        assertTrue(e.getMessage().contains("(0, 100]"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Calibrator.named("percentile", p));
    }

    @Test
    void minMaxIsTheLargestMagnitudeAndNeedsNoHistogram() {
        float[] values = Samples.gaussian(5, 10_000);
        values[1234] = -6.5f; // the largest magnitude is on the negative side
        values[99] = 6.25f;
        assertEquals(6.5, new MinMaxCalibrator().threshold(Samples.range(values), null));
        assertFalse(new MinMaxCalibrator().needsHistogram());
    }

    @Test
    void anAllZeroTensorGetsThresholdZeroFromEveryCalibrator() {
        float[] zeros = new float[1000];
        for (Calibrator c : ALL) assertEquals(0.0, Samples.threshold(c, zeros), c.name());
    }

    @Test
    void noCalibratorGoesAboveTheLargestMagnitudeNorFarBelowItOnUniformData() {
        float[] values = Samples.uniform(9, 200_000);
        for (int i = 0; i < values.length; i += 2) values[i] = -values[i];
        double amax = Samples.range(values).amax();
        for (Calibrator c : ALL) {
            double t = Samples.threshold(c, values);
            assertTrue(t <= amax, c.name() + ": " + t + " above " + amax);
            // A uniform distribution has no tail to clip: at most 99.99 % keeps, the others keep more.
            assertTrue(t >= 0.99 * amax, c.name() + ": " + t + " against " + amax);
        }
    }
}
