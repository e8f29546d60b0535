package io.jengine.tune.model;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The efficiency of each fixed tactic kind (a library call, a hand-written kernel): the fraction of the roofline time
 * it reaches, learned from its measured runs. Before a kind has been measured a prior stands in — a vendor library
 * near its peak, Winograd and direct kernels further below it — so the first layers are ranked sensibly; each measured
 * run then moves the kind to the median of what it reached, so the layers tuned later (and a build with a warm timing
 * cache, whose entries are replayed here) rank it by what this device showed.
 *
 * <p>A tunable kind (a GEMM whose tiling the model prices in detail) keeps the model's figure, but is scaled by how
 * far its measured runs fell from it: the tiling model ranks one kernel's tilings against each other, while how fast
 * that kernel is next to a library's comes only from measuring it. Without it, cpu-simd's blocked GEMM, predicted at
 * oneDNN's speed and measured at two thirds of it, was timed on every ResNet-50 convolution and chosen on none.
 */
public final class Calibration {
    private final Map<String, List<Double>> observed = new HashMap<>();
    private final Map<String, List<Double>> slowdowns = new HashMap<>();
    /** Bounds on one observed slowdown, so that a descheduled run or a lucky one cannot swing a kind far. */
    private static final double MIN_SLOWDOWN = 0.25, MAX_SLOWDOWN = 20;

    /** The kind's efficiency: the median observed, else its prior. */
    public synchronized double efficiency(String kind) {
        List<Double> o = observed.get(kind);
        if (o == null || o.isEmpty()) return prior(kind);
        List<Double> s = new ArrayList<>(o);
        s.sort(null);
        return s.get(s.size() / 2);
    }

    /**
     * Records a measured run: {@code rooflineSeconds} as {@link CostModel#roofline} gives it, {@code measuredSeconds} the
     * run less what a call costs.
     */
    public synchronized void observe(String kind, double rooflineSeconds, double measuredSeconds) {
        if (!(rooflineSeconds > 0) || !(measuredSeconds > 0)) return;
        double e = Math.min(1.0, rooflineSeconds / measuredSeconds);
        observed.computeIfAbsent(kind, x -> new ArrayList<>()).add(e);
    }

    /** How many times the model's figure a tunable kind takes: the median observed, else 1 (the model's own). */
    public synchronized double slowdown(String kind) {
        List<Double> o = slowdowns.get(kind);
        if (o == null || o.isEmpty()) return 1;
        List<Double> s = new ArrayList<>(o);
        s.sort(null);
        return s.get(s.size() / 2);
    }

    /**
     * Records a tunable kind's measured run against the model's uncalibrated figure for its tiling ({@link
     * CostModel#gemmWork}), both without what a call costs.
     */
    public synchronized void observeTunable(String kind, double modelSeconds, double measuredSeconds) {
        if (!(modelSeconds > 0) || !(measuredSeconds > 0)) return;
        double r = Math.max(MIN_SLOWDOWN, Math.min(MAX_SLOWDOWN, measuredSeconds / modelSeconds));
        slowdowns.computeIfAbsent(kind, x -> new ArrayList<>()).add(r);
    }

    /** Whether a run of the kind has been measured: its figures are then this device's, not a prior's. */
    public synchronized boolean measured(String kind) {
        return observed.containsKey(kind) || slowdowns.containsKey(kind);
    }

    /** Priors by what the kind's name says it is. */
    static double prior(String kind) {
        if (kind.contains("winograd")) return 0.45;
        if (kind.contains("dnnl") || kind.contains("openblas")) return 0.8;
        if (kind.contains("depthwise")) return 0.3;
        if (kind.contains("reference")) return 0.01;
        return 0.25;
    }
}
