package io.jengine.calib;

/**
 * TensorRT's entropy calibration: the threshold whose int8 version of the distribution loses the least information,
 * measured by the Kullback-Leibler divergence between the histogram cut at the threshold and that histogram quantized
 * to 128 levels. The algorithm NVIDIA described for TensorRT ("8-bit Inference with TensorRT", 2017) and that MXNet,
 * TVM and ONNX Runtime implement as their entropy calibration.
 *
 * <p>For each candidate cut {@code i} from 128 to {@value TensorHistogram#BINS} bins:
 * <ul>
 *   <li>the reference {@code P} is bins {@code [0, i)}, with all the values above the cut (which the threshold clips
 *       to it) added to bin {@code i - 1};
 *   <li>the candidate {@code Q} is bins {@code [0, i)} without those clipped values, merged into 128 groups of
 *       consecutive bins (group {@code g} is bins {@code [g·i/128, (g+1)·i/128)}, so that groups differ by at most one
 *       bin where {@code i} is not a multiple of 128, rather than one group taking the whole remainder as in MXNet's
 *       version), each group's count then spread evenly over the group's bins where {@code P} is nonzero, the others
 *       staying 0: this is what a 128-level quantizer reproduces of the distribution;
 *   <li>both are normalized and {@code KL(P || Q) = Σ p·ln(p/q)} taken over the bins where {@code p > 0}; where
 *       {@code q} is 0 there (the last group holds only clipped values) it stands in as {@value #EPSILON} of a count, as
 *       the reference implementations' smoothing does, so that the divergence is large but finite.
 * </ul>
 * The cut with the smallest divergence wins (the smallest such cut on a tie), among the cuts that clip at most
 * {@value #MAX_CLIPPED} of the values (see there).
 *
 * <p><b>Threshold convention:</b> the threshold is {@code i · binWidth}, the top edge of the last bin {@code P}
 * keeps, so that the values clipped are exactly those the divergence was computed for clipping; it is what ONNX
 * Runtime and TVM return (their histogram edge after the cut). NVIDIA's slides say {@code (i + 0.5) · binWidth}, half
 * a bin higher: at most {@code range / 4096}, under half a quantization step.
 *
 * <p>The divergence is evaluated in closed form from prefix sums over the bins (the group's {@code q} is one value
 * over all its nonzero bins, so its {@code Σ p·ln q} is the group's count times one logarithm), which takes 128
 * logarithms per cut instead of {@code i}.
 */
public final class EntropyCalibrator implements Calibrator {
    static final String NAME = "entropy";
    /** The levels an int8 magnitude has, {@code 0..127}: the resolution {@code Q} is quantized to. */
    static final int QUANTIZED_BINS = 128;
    /**
     * The largest share of the (non-zero) values a cut may clip. The divergence does not count clipping as loss: the
     * clipped values join {@code P}'s last bin, which a cut right above a spike reproduces exactly, so on discrete
     * data (an image of 17 grey levels, digits_cnn's input) the divergence was 0 at the first level and the threshold
     * clipped 93% of the values, dropping top-1 from 0.996 to 0.106; on MobileNet-v2, whose Relu6 piles values at 6,
     * a bound of 1% still let it clip those (logits' cosine to float 0.99946, 0.99993 at this bound). Entropy
     * calibration exists to clip rare outliers (a few in a million on the Gaussians it was designed for); a cut that
     * clips more than this is no candidate.
     */
    static final double MAX_CLIPPED = 0.001;
    /** The count that stands in for an empty {@code Q} bin where {@code P} is not, as in MXNet's smoothing. */
    static final double EPSILON = 1e-4;

    @Override
    public String name() { return NAME; }

    /** TensorRT's {@code IInt8EntropyCalibrator2}, the calibrator TensorRT recommends. */
    @Override
    public String cacheAlgorithm() { return "EntropyCalibration2"; }

    @Override
    public boolean needsHistogram() { return true; }

    @Override
    public double threshold(TensorRange range, TensorHistogram histogram) {
        if (histogram.total() == histogram.zeros() || histogram.binWidth() == 0) return 0;
        int cut = bestCut(histogram.counts());
        return Math.min(cut * histogram.binWidth(), range.amax());
    }

    /** The cut {@code i} in {@code [128, counts.length]} with the smallest divergence. */
    static int bestCut(long[] counts) {
        int bins = counts.length;
        // Prefix sums over bins [0, k): counts, c·ln c, and bins with a nonzero count.
        double[] sum = new double[bins + 1];
        double[] sumCLnC = new double[bins + 1];
        int[] nonzero = new int[bins + 1];
        for (int k = 0; k < bins; k++) {
            double c = counts[k];
            sum[k + 1] = sum[k] + c;
            sumCLnC[k + 1] = sumCLnC[k] + (c > 0 ? c * Math.log(c) : 0);
            nonzero[k + 1] = nonzero[k] + (c > 0 ? 1 : 0);
        }
        int best = bins;
        double bestDivergence = Double.POSITIVE_INFINITY;
        double total = sum[bins];
        for (int i = QUANTIZED_BINS; i <= bins; i++) {
            if (total - sum[i] > MAX_CLIPPED * total) continue;
            double d = divergence(counts, i, sum, sumCLnC, nonzero);
            if (d < bestDivergence) {
                bestDivergence = d;
                best = i;
            }
        }
        return best;
    }

    /**
     * {@code KL(P || Q)} for the cut {@code i}, from the prefix sums. With {@code SP} and {@code SQ} the totals of
     * {@code P} and {@code Q} (after the stand-in): {@code KL = (Σ p ln p − Σ p ln q) / SP − ln SP + ln SQ}.
     */
    private static double divergence(long[] counts, int i, double[] sum, double[] sumCLnC, int[] nonzero) {
        double total = sum[counts.length];
        double clipped = total - sum[i];
        double kept = sum[i];
        if (kept == 0) return Double.POSITIVE_INFINITY; // Q would be empty: every value lies above the cut
        double last = counts[i - 1] + clipped; // P's last bin
        double pLnP = sumCLnC[i - 1] + (last > 0 ? last * Math.log(last) : 0);
        double pLnQ = 0;
        double standIns = 0;
        for (int g = 0; g < QUANTIZED_BINS; g++) {
            int lo = (int) ((long) g * i / QUANTIZED_BINS);
            int hi = (int) ((long) (g + 1) * i / QUANTIZED_BINS);
            double mass = sum[hi] - sum[lo]; // the group's count in Q, clipped values excluded
            double pMass = mass;
            int nz = nonzero[hi] - nonzero[lo];
            if (hi == i) { // the last group: P's last bin holds the clipped values too
                pMass += clipped;
                nz += (last > 0 ? 1 : 0) - (counts[i - 1] > 0 ? 1 : 0);
            }
            if (nz == 0) continue;
            if (mass > 0) {
                pLnQ += pMass * Math.log(mass / nz);
            } else { // only clipped values, all in P's last bin, where Q is empty
                pLnQ += pMass * Math.log(EPSILON);
                standIns += EPSILON;
            }
        }
        return (pLnP - pLnQ) / total - Math.log(total) + Math.log(kept + standIns);
    }

    @Override
    public String toString() { return NAME; }
}
