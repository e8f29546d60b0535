package io.jengine.calib;

import java.nio.file.Path;

/**
 * What {@code --int8} was given: calibration batches, the calibrator, and a calibration cache. With a cache file that
 * exists, its ranges are used and no batch is run (as TensorRT's calibrators do); with one that does not exist yet,
 * calibration writes it.
 *
 * @param data        the calibration folder (null only when {@code cache} exists)
 * @param calibrator  minmax, entropy, percentile or mse
 * @param percentile  the percentile calibrator's percentile (0, 100]
 * @param maxBatches  the most batches to run (0: all)
 * @param cache       a calibration cache in TensorRT's format, or null
 * @param preprocess  how the images of a calibration folder of images become tensors ({@code --preprocess}), or null
 *                    for a folder of {@code .npy} batches
 * @param accuracyBudget the least cosine similarity between the quantized and the float model's outputs on held-out
 *                    calibration batches ({@code --accuracy-budget}); the most sensitive layers stay in float until it
 *                    holds. NaN: none
 */
public record Int8Options(Path data, String calibrator, double percentile, int maxBatches, Path cache,
                          ImagePreprocessing preprocess, double accuracyBudget) {
    public static final String DEFAULT_CALIBRATOR = "entropy";
    public static final double DEFAULT_PERCENTILE = 99.99;

    public Int8Options {
        if (calibrator == null) calibrator = DEFAULT_CALIBRATOR;
        Calibrator.named(calibrator, percentile); // a bad name or percentile fails here, before any work
        if (maxBatches < 0) throw new IllegalArgumentException("--calib-batches must be at least 1, got " + maxBatches);
        if (data == null && (cache == null || !java.nio.file.Files.isRegularFile(cache))) {
            throw new IllegalArgumentException("--int8 needs calibration data (--calib DIR)"
                    + (cache == null ? " or an existing --calib-cache" : "; the calibration cache " + cache
                    + " does not exist yet"));
        }
        if (preprocess != null && data == null) {
            throw new IllegalArgumentException("--preprocess applies to a calibration folder of images (--calib DIR)");
        }
        if (!Double.isNaN(accuracyBudget) && !(accuracyBudget > 0 && accuracyBudget <= 1)) {
            throw new IllegalArgumentException("--accuracy-budget is the least output cosine similarity to keep, in"
                    + " (0, 1], got " + accuracyBudget);
        }
        if (!Double.isNaN(accuracyBudget) && data == null) {
            throw new IllegalArgumentException("--accuracy-budget measures on calibration batches: it needs --calib DIR");
        }
    }

    /** Without an accuracy budget: every layer that can be quantized is. */
    public Int8Options(Path data, String calibrator, double percentile, int maxBatches, Path cache,
                       ImagePreprocessing preprocess) {
        this(data, calibrator, percentile, maxBatches, cache, preprocess, Double.NaN);
    }

    /** Whether {@link #accuracyBudget} was given. */
    public boolean budgeted() { return !Double.isNaN(accuracyBudget); }

    /** Options for a folder of {@code .npy} batches (or a cache alone): no image preprocessing. */
    public Int8Options(Path data, String calibrator, double percentile, int maxBatches, Path cache) {
        this(data, calibrator, percentile, maxBatches, cache, null);
    }
}
