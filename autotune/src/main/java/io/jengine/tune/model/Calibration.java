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
 */
public final class Calibration {
    private final Map<String, List<Double>> observed = new HashMap<>();

    /** The kind's efficiency: the median observed, else its prior. */
    public synchronized double efficiency(String kind) {
        List<Double> o = observed.get(kind);
        if (o == null || o.isEmpty()) return prior(kind);
        List<Double> s = new ArrayList<>(o);
        s.sort(null);
        return s.get(s.size() / 2);
    }

    /** Records a measured run: {@code rooflineSeconds} as {@link CostModel#workload} gives it, {@code measured} seconds. */
    public synchronized void observe(String kind, double rooflineSeconds, double measuredSeconds) {
        if (!(rooflineSeconds > 0) || !(measuredSeconds > 0)) return;
        double e = Math.min(1.0, rooflineSeconds / measuredSeconds);
        observed.computeIfAbsent(kind, x -> new ArrayList<>()).add(e);
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
