package io.jengine.calib;

import io.jengine.ir.Graph;
import io.jengine.ir.Model;
import io.jengine.opt.quant.ActivationRange;
import io.jengine.opt.quant.QuantizationSite;
import io.jengine.runtime.Backends;
import io.jengine.runtime.Engine;
import io.jengine.runtime.EngineOptions;
import io.jengine.runtime.ShapeSpecializer;
import io.jengine.tensor.Tensor;
import java.io.PrintStream;
import java.nio.file.Files;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * Post-training calibration, as TensorRT's implicit INT8 does it: runs the float model on the calibration batches,
 * watching the tensors that INT8 layers would read ({@link QuantizationSite#activation()}), in two passes — ranges
 * first, then |x| histograms over those ranges when the calibrator needs one — and turns each tensor's statistics
 * into a threshold with the chosen {@link Calibrator}. A calibration cache, when one exists, replaces the runs.
 */
public final class Int8Calibration {
    private Int8Calibration() {}

    /**
     * The activation ranges for {@code fused} (a float model at the optimization level whose layers will run in
     * INT8), keyed by tensor name. Tensors that never took a non-zero value are left out (their layers stay float).
     */
    public static Map<String, ActivationRange> ranges(Model fused, Int8Options options, Backends backends,
                                                      EngineOptions engineOptions, ShapeSpecializer specializer,
                                                      PrintStream progress) {
        Graph g = fused.graph();
        Set<String> wanted = new LinkedHashSet<>();
        for (QuantizationSite s : QuantizationSite.find(g)) {
            wanted.add(s.activation());
            if (s.residual() != null) wanted.add(s.residual());
        }
        Set<String> structural = NonNegativeValues.of(g);
        Calibrator calibrator = Calibrator.named(options.calibrator(), options.percentile());
        Map<String, ActivationRange> out = new LinkedHashMap<>();
        if (options.cache() != null && Files.isRegularFile(options.cache())) {
            CalibrationCache cache;
            try {
                cache = CalibrationCache.read(options.cache());
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException("cannot read calibration cache " + options.cache(), e);
            }
            int missing = 0;
            for (String t : wanted) {
                if (!cache.scales().containsKey(t)) {
                    missing++;
                    continue;
                }
                out.put(t, new ActivationRange(cache.amax(t), structural.contains(t)));
            }
            progress.printf("calibrate: ranges of %d tensors from %s (%s)%s%n", out.size(), options.cache(),
                    cache.algorithm(), missing == 0 ? "" : "; " + missing + " tensors it does not name stay in float");
            if (!options.budgeted()) return out;
            CalibrationData data = CalibrationData.open(options.data(), g.runtimeInputs(), 0, options.preprocess());
            return budgeted(fused, out, data, data.fileCount() - heldOutFiles(data), options, backends,
                    engineOptions, specializer, progress);
        }
        CalibrationData data = CalibrationData.open(options.data(), g.runtimeInputs(), options.maxBatches(),
                options.preprocess());
        progress.println("calibrate: " + data.describe());
        // with a budget, the last quarter of the files (at least one) is held out to measure it on
        int calibrated = options.budgeted() && data.fileCount() > 1 ? data.fileCount() - heldOutFiles(data)
                : data.fileCount();
        RangeObserver observer = new RangeObserver(wanted);
        long start = System.nanoTime();
        try (Engine engine = Engine.of(fused, backends, engineOptions, specializer)) {
            int batches = pass(engine, data, calibrated, observer, "ranges", calibrator.needsHistogram() ? 2 : 1,
                    progress);
            if (calibrator.needsHistogram()) {
                observer.startHistograms();
                pass(engine, data, calibrated, observer, "histograms", 2, progress);
            }
            Map<String, Double> thresholds = new LinkedHashMap<>();
            for (String t : wanted) {
                TensorRange r = observer.ranges().get(t);
                if (r == null || !(r.amax() > 0)) continue;
                TensorHistogram h = observer.histograms() == null ? null : observer.histograms().get(t);
                // through the cache's float32 scale, so that a build replayed from the cache is the same model
                double amax = CalibrationCache.fromThresholds(calibrator.cacheAlgorithm(),
                        Map.of(t, calibrator.threshold(r, h))).amax(t);
                if (!(amax > 0) || Double.isInfinite(amax)) continue;
                thresholds.put(t, amax);
                // the sign from the graph, not the data: a cache records none, and a replay must build the same model
                out.put(t, new ActivationRange(amax, structural.contains(t)));
            }
            progress.printf("calibrate: %s thresholds of %d tensors from %d batches in %.1f s%n", calibrator.name(),
                    out.size(), batches, (System.nanoTime() - start) / 1e9);
            if (options.cache() != null) {
                try {
                    CalibrationCache.fromThresholds(calibrator.cacheAlgorithm(), thresholds).write(options.cache());
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException("cannot write calibration cache " + options.cache(), e);
                }
                progress.println("calibrate: wrote " + options.cache());
            }
        }
        if (!options.budgeted()) return out;
        return budgeted(fused, out, data, calibrated < data.fileCount() ? calibrated : 0, options, backends,
                engineOptions, specializer, progress);
    }

    /** A quarter of the files, at least one: held out of calibration to measure an accuracy budget on. */
    private static int heldOutFiles(CalibrationData data) { return Math.max(1, data.fileCount() / 4); }

    /** {@code ranges} cut down to {@code options}' accuracy budget, measured on files from {@code firstHeldOut} on. */
    private static Map<String, ActivationRange> budgeted(Model fused, Map<String, ActivationRange> ranges,
                                                         CalibrationData data, int firstHeldOut, Int8Options options,
                                                         Backends backends, EngineOptions engineOptions,
                                                         ShapeSpecializer specializer, PrintStream progress) {
        java.util.List<Map<String, Tensor>> heldOut = new java.util.ArrayList<>();
        for (int f = firstHeldOut; f < data.fileCount(); f++) heldOut.addAll(data.read(f, Integer.MAX_VALUE));
        progress.printf("accuracy budget: measured on %d batches (%s)%n", heldOut.size(), firstHeldOut == 0
                ? "the calibration batches themselves: one file cannot be split"
                : "held out: the last " + (data.fileCount() - firstHeldOut) + " of " + data.fileCount() + " in the folder");
        return MixedPrecision.withinBudget(fused, ranges, backends.integerConvolution(), heldOut,
                options.accuracyBudget(), m -> Engine.of(
                new Model(m.irVersion(), m.producerName(), m.producerVersion(), specializer.specialize(m.graph()),
                        m.metadata()), backends, engineOptions, specializer), progress);
    }

    /** One pass over the batches; returns how many batches ran. */
    private static int pass(Engine engine, CalibrationData data, int files, RangeObserver observer, String what,
                            int passes, PrintStream progress) {
        int ran = 0, limit = data.limit() == 0 ? Integer.MAX_VALUE : data.limit();
        int pass = what.equals("ranges") ? 1 : 2;
        long lastReport = 0;
        for (int f = 0; f < files && ran < limit; f++) {
            for (Map<String, Tensor> feed : data.read(f, limit - ran)) {
                feed.forEach(observer::fed);
                engine.run(feed, observer);
                ran++;
            }
            long now = System.nanoTime();
            if (now - lastReport > 1_000_000_000L || f == files - 1 || ran >= limit) {
                progress.printf("calibrate [pass %d/%d, %s] %d batches (%s)%n", pass, passes, what, ran,
                        data.progress(f + 1));
                lastReport = now;
            }
        }
        return ran;
    }
}
