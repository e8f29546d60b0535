package io.jengine.cli;

import io.jengine.tensor.Tensor;
import java.util.Arrays;

/**
 * How two floating outputs agree once binarised at a threshold, for {@code engine compare --iou-threshold}: the
 * elements above it in A, in B, in both, and their intersection over union. A segmentation or detection map (a text
 * detector's probabilities binarised at 0.3) is judged so: a small error that moves no element across the threshold
 * costs nothing, one that grows or drops a region costs its area. NaN is above no threshold.
 */
record MaskOverlap(double threshold, long inA, long inB, long both) {

    /** {@code a} and {@code b}, of the same floating type and shape, binarised at {@code threshold} (strictly above). */
    static MaskOverlap of(Tensor a, Tensor b, double threshold) {
        if (a.dtype() != b.dtype() || !a.dtype().isFloatingPoint() || !Arrays.equals(a.shape(), b.shape())) {
            throw new IllegalArgumentException("masks of different or non-floating outputs: " + a.describe() + " and "
                    + b.describe());
        }
        long inA = 0, inB = 0, both = 0;
        for (long i = 0; i < a.size(); i++) {
            boolean x = a.getDouble(i) > threshold, y = b.getDouble(i) > threshold;
            if (x) inA++;
            if (y) inB++;
            if (x && y) both++;
        }
        return new MaskOverlap(threshold, inA, inB, both);
    }

    /** Intersection over union; 1 where neither has an element above the threshold (two empty masks agree). */
    double iou() {
        long union = inA + inB - both;
        return union == 0 ? 1 : (double) both / union;
    }

    /** One line's figures: the IoU, then the counts it comes from. */
    String describe() {
        return String.format("IoU above %s: %.4f (%d elements in A, %d in B, %d in both)",
                CompareCommand.plain(threshold), iou(), inA, inB, both);
    }
}
