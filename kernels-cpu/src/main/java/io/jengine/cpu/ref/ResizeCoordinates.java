package io.jengine.cpu.ref;

import java.util.Locale;

/**
 * Resize's {@code coordinate_transformation_mode}: where output coordinate {@code x} of one axis lands in the input.
 * Follows the ONNX specification, including its use of the un-floored output length {@code scale * inLength} for
 * {@code align_corners} and {@code tf_crop_and_resize}, which is what the conformance data was generated with.
 * Public because the fast Resize tactic places its taps with it too.
 */
public enum ResizeCoordinates {
    HALF_PIXEL, HALF_PIXEL_SYMMETRIC, PYTORCH_HALF_PIXEL, ALIGN_CORNERS, ASYMMETRIC, TF_HALF_PIXEL_FOR_NN,
    TF_CROP_AND_RESIZE;

    /** Parses the attribute value, naming the accepted values when it is unknown. */
    public static ResizeCoordinates parse(String s) {
        for (ResizeCoordinates m : values()) {
            if (m.name().toLowerCase(Locale.ROOT).equals(s)) return m;
        }
        throw new IllegalArgumentException("coordinate_transformation_mode must be one of half_pixel, "
                + "half_pixel_symmetric, pytorch_half_pixel, align_corners, asymmetric, tf_half_pixel_for_nn, "
                + "tf_crop_and_resize, got '" + s + "'");
    }

    /**
     * The input coordinate of output coordinate {@code x}.
     *
     * @param scale     the axis' scale factor (output over input)
     * @param inLength  the input length of the axis
     * @param outLength the integer output length of the axis
     * @param roiStart  normalised crop start (only for tf_crop_and_resize)
     * @param roiEnd    normalised crop end (only for tf_crop_and_resize)
     */
    public double toInput(double x, double scale, long inLength, long outLength, double roiStart, double roiEnd) {
        double outWidth = scale * inLength;
        return switch (this) {
            case HALF_PIXEL -> (x + 0.5) / scale - 0.5;
            case HALF_PIXEL_SYMMETRIC -> {
                // Centres the (possibly fractional) resized extent on the integer output canvas.
                double adjustment = outLength / outWidth;
                double offset = inLength / 2.0 * (1 - adjustment);
                yield offset + (x + 0.5) / scale - 0.5;
            }
            case PYTORCH_HALF_PIXEL -> outWidth == 1 ? -0.5 : (x + 0.5) / scale - 0.5;
            case ALIGN_CORNERS -> outWidth == 1 ? 0 : x * (inLength - 1) / (outWidth - 1);
            case ASYMMETRIC -> x / scale;
            case TF_HALF_PIXEL_FOR_NN -> (x + 0.5) / scale;
            case TF_CROP_AND_RESIZE -> {
                double span = (roiEnd - roiStart) * (inLength - 1);
                double start = roiStart * (inLength - 1);
                yield outWidth == 1 ? start + span / 2 : start + x * span / (outWidth - 1);
            }
        };
    }
}
