package io.jengine.calib;

import io.jengine.ir.Model;
import io.jengine.opt.quant.ActivationRange;
import io.jengine.opt.quant.QdqPlacement;
import io.jengine.runtime.Engine;
import io.jengine.spi.IntegerConvolution;
import io.jengine.tensor.DType;
import io.jengine.tensor.Tensor;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Mixed precision under an accuracy budget ({@code --accuracy-budget}): the quantized model's outputs are compared
 * with the float model's on held-out calibration batches (the least cosine similarity over outputs and batches); while
 * it falls short of the budget, the layers most sensitive to quantization go back to float. Each layer's sensitivity
 * is the score of the model with that layer alone quantized; the number of most sensitive layers to keep in float is
 * then found by bisection, assuming that keeping more of them in float never scores worse.
 */
final class MixedPrecision {
    private MixedPrecision() {}

    /** The ranges to quantize with: all of {@code ranges} if they meet {@code budget}, else fewer. */
    static Map<String, ActivationRange> withinBudget(Model fused, Map<String, ActivationRange> ranges,
                                                     IntegerConvolution target, List<Map<String, Tensor>> heldOut,
                                                     double budget,
                                                     Function<Model, Engine> engines, PrintStream progress) {
        long start = System.nanoTime();
        List<Map<String, Tensor>> reference = run(engines.apply(fused), heldOut);
        Function<Map<String, ActivationRange>, Double> score =
                subset -> worstCosine(reference, run(engines.apply(QdqPlacement.apply(fused, subset, target)), heldOut));
        double all = score.apply(ranges);
        progress.printf("accuracy budget: cosine %.6f with all %d quantized layers' inputs in INT8 (budget %s)%n", all,
                ranges.size(), budget);
        if (all >= budget) return ranges;
        // sensitivity: the score with only that tensor quantized; the lowest first
        List<Map.Entry<String, Double>> sensitivity = new ArrayList<>();
        int done = 0;
        for (var e : ranges.entrySet()) {
            sensitivity.add(Map.entry(e.getKey(), score.apply(Map.of(e.getKey(), e.getValue()))));
            if (++done % 10 == 0 || done == ranges.size()) {
                progress.printf("accuracy budget: sensitivity of %d of %d layers' inputs%n", done, ranges.size());
            }
        }
        sensitivity.sort(Comparator.comparingDouble(Map.Entry::getValue));
        progress.printf("accuracy budget: most sensitive (cosine with that layer's input alone in INT8): %s%n",
                String.join(", ", sensitivity.subList(0, Math.min(8, sensitivity.size())).stream()
                        .map(e -> String.format("%s %.4f", e.getKey(), e.getValue())).toList()));
        // bisection on k, the number of most sensitive kept in float: k = 0 fails, k = all passes (nothing quantized)
        int lo = 0, hi = sensitivity.size();
        double atHi = 1;
        while (hi - lo > 1) {
            int mid = (lo + hi) >>> 1;
            double s = score.apply(without(ranges, sensitivity, mid));
            if (s >= budget) {
                hi = mid;
                atHi = s;
            } else {
                lo = mid;
            }
        }
        Map<String, ActivationRange> kept = without(ranges, sensitivity, hi);
        List<String> toFloat = sensitivity.subList(0, hi).stream().map(Map.Entry::getKey).toList();
        progress.printf("accuracy budget: cosine %.6f with %d of %d in INT8; kept in float: %s (%.1f s)%n",
                hi == sensitivity.size() ? 1.0 : atHi, kept.size(), ranges.size(), String.join(", ", toFloat),
                (System.nanoTime() - start) / 1e9);
        return kept;
    }

    private static Map<String, ActivationRange> without(Map<String, ActivationRange> ranges,
                                                       List<Map.Entry<String, Double>> sorted, int k) {
        Map<String, ActivationRange> out = new LinkedHashMap<>(ranges);
        for (int i = 0; i < k; i++) out.remove(sorted.get(i).getKey());
        return out;
    }

    /** The float outputs of each batch (the engine closed after). */
    private static List<Map<String, Tensor>> run(Engine engine, List<Map<String, Tensor>> batches) {
        try (engine) {
            List<Map<String, Tensor>> out = new ArrayList<>();
            for (Map<String, Tensor> feed : batches) {
                Map<String, Tensor> floats = new LinkedHashMap<>();
                for (var e : engine.run(feed).entrySet()) {
                    if (e.getValue() instanceof Tensor t && t.dtype() == DType.FLOAT32) floats.put(e.getKey(), t);
                }
                out.add(floats);
            }
            return out;
        }
    }

    /** The least cosine similarity over batches and outputs (NaN anywhere counts as 0). */
    static double worstCosine(List<Map<String, Tensor>> want, List<Map<String, Tensor>> got) {
        double worst = 1;
        for (int b = 0; b < want.size(); b++) {
            for (var e : want.get(b).entrySet()) {
                Tensor x = e.getValue(), y = got.get(b).get(e.getKey());
                double xy = 0, xx = 0, yy = 0;
                for (long i = 0; i < x.size(); i++) {
                    double p = x.getFloat(i), q = y.getFloat(i);
                    xy += p * q;
                    xx += p * p;
                    yy += q * q;
                }
                double c = xx == 0 && yy == 0 ? 1 : xy / Math.sqrt(xx * yy);
                worst = Math.min(worst, Double.isNaN(c) ? 0 : c);
            }
        }
        return worst;
    }
}
