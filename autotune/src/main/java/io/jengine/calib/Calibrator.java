package io.jengine.calib;

import java.util.Locale;

/**
 * Picks one tensor's clipping threshold (amax) for symmetric int8 quantization from what calibration saw of it: values
 * in {@code [-t, t]} map onto {@code [-LEVELS, LEVELS]} in steps of {@code t / LEVELS}, values beyond clip to
 * {@code ±t}. A threshold below the largest magnitude clips the rare large values to give the many small ones a finer
 * step; each implementation weighs that trade differently.
 *
 * <p>Implementations are stateless and thread-safe.
 */
public interface Calibrator {
    /** The largest int8 magnitude symmetric quantization uses: -128 is left out so that the range is symmetric. */
    int LEVELS = 127;

    /** The name users choose it by: {@code minmax}, {@code entropy}, {@code percentile} or {@code mse}. */
    String name();

    /**
     * The algorithm name in a calibration cache's header {@code TRT-<version>-<algorithm>}: TensorRT's own name where
     * TensorRT has this calibrator, so that the caches are interchangeable.
     */
    String cacheAlgorithm();

    /** Whether {@link #threshold} needs the second pass's {@link TensorHistogram}; if not, the pass can be skipped. */
    boolean needsHistogram();

    /**
     * The clipping threshold for the tensor, never above {@code range.amax()}; 0 for a tensor with no finite nonzero
     * value.
     *
     * @param range the first pass over the tensor's values
     * @param histogram the second pass, over {@code [0, range.amax()]}; may be {@code null} if
     *     {@link #needsHistogram()} is false
     */
    double threshold(TensorRange range, TensorHistogram histogram);

    /**
     * The calibrator named {@code name} (case-insensitive).
     *
     * @param percentile the percentile for {@code percentile} calibration, in {@code (0, 100]}, usually
     *     {@link PercentileCalibrator#DEFAULT_PERCENTILE}; ignored by the others
     * @throws IllegalArgumentException for an unknown name, naming the valid ones, or a percentile out of range
     */
    static Calibrator named(String name, double percentile) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case MinMaxCalibrator.NAME -> new MinMaxCalibrator();
            case EntropyCalibrator.NAME -> new EntropyCalibrator();
            case PercentileCalibrator.NAME -> new PercentileCalibrator(percentile);
            case MseCalibrator.NAME -> new MseCalibrator();
            default -> throw new IllegalArgumentException("unknown calibrator '" + name + "': expected one of "
                    + String.join(", ", MinMaxCalibrator.NAME, EntropyCalibrator.NAME, PercentileCalibrator.NAME,
                            MseCalibrator.NAME));
        };
    }
}
