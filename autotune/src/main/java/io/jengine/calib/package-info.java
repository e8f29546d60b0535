/**
 * The calibration core of INT8 post-training quantization: from the float activations a model produces on sample
 * inputs, one clipping threshold (amax) per tensor, and TensorRT's calibration cache file that keeps them.
 *
 * <p>Calibration runs two passes over the sample data, as TensorRT does. The first feeds every tensor's values to a
 * {@link io.jengine.calib.TensorRange}, which finds its largest magnitude; the second, needed only by calibrators that
 * {@linkplain io.jengine.calib.Calibrator#needsHistogram() look at the distribution}, feeds them to a
 * {@link io.jengine.calib.TensorHistogram} of {@code |x|} over {@code [0, amax]}. A
 * {@link io.jengine.calib.Calibrator} then picks the threshold: the largest magnitude itself
 * ({@link io.jengine.calib.MinMaxCalibrator}), or a smaller one that gives up the rare large values for a finer step
 * on the many small ones ({@link io.jengine.calib.EntropyCalibrator}, {@link io.jengine.calib.PercentileCalibrator},
 * {@link io.jengine.calib.MseCalibrator}). Quantization is symmetric: a tensor with threshold {@code t} maps
 * {@code [-t, t]} onto the integers {@code [-127, 127]}, so its scale is {@code t / 127}, which
 * {@link io.jengine.calib.CalibrationCache} stores in TensorRT's text format so that a cache from either tool serves
 * the other.
 *
 * <p>Nothing here knows about graphs or engines: the builder decides which tensors to calibrate, runs the model and
 * hands each tensor's values over.
 */
package io.jengine.calib;
