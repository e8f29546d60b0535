package io.jengine.opt;

import io.jengine.ir.LayerCost;

/**
 * The roofline of a machine: attainable performance = min(peak compute, intensity × memory bandwidth). A layer whose
 * arithmetic intensity is below the ridge point (peak / bandwidth) is memory-bound: fuse it and cut bytes; above, it
 * is compute-bound: cut FLOPs or run nearer the peak.
 */
public record Roofline(double peakGflops, double peakGBps) {
    public Roofline {
        if (!(peakGflops > 0) || !(peakGBps > 0)) {
            throw new IllegalArgumentException("roofline peaks must be positive, got " + peakGflops + " GFLOP/s and "
                    + peakGBps + " GB/s");
        }
    }

    /** FLOPs per byte at which the two limits meet. */
    public double ridge() { return peakGflops / peakGBps; }

    /** GFLOP/s a layer of this intensity can reach at best. */
    public double attainableGflops(double intensity) { return Math.min(peakGflops, intensity * peakGBps); }

    /** "memory" or "compute" bound, or "unknown" when the intensity is not known. */
    public String bound(LayerCost cost) {
        double i = cost.intensity();
        if (Double.isNaN(i)) return "unknown";
        return i < ridge() ? "memory" : "compute";
    }
}
