package io.jengine.runtime;

import io.jengine.errors.EngineException;
import io.jengine.ir.LayerCost;

/**
 * The host's measured speed, as a plan for a device weighs running a part of the graph on the host against the copies
 * that part costs on the device ({@link DevicePlacement}).
 *
 * @param gflops      floating-point peak of the threads a run uses, GFLOP/s
 * @param gbps        memory bandwidth those threads stream at, GB/s
 * @param callSeconds what one kernel call costs beyond its work
 */
public record HostSpeed(double gflops, double gbps, double callSeconds) {
    /**
     * The share of the peaks the host's kernels are taken to sustain. A layer's roofline time is a lower bound of
     * what it takes; moving a part to the host on that bound alone would favour the host, so the estimate is made at
     * a quarter of the FLOP peak and half the bandwidth, which the host's SIMD kernels reach on the layers this
     * decides (small ones, between copies).
     */
    static final double FLOP_SHARE = 0.25, BANDWIDTH_SHARE = 0.5;

    public HostSpeed {
        if (!(gflops > 0) || !(gbps > 0) || !(callSeconds >= 0)) {
            throw new EngineException("implausible host speed: " + gflops + " GFLOP/s, " + gbps + " GB/s, "
                    + callSeconds + " s a call");
        }
    }

    /** What a layer of this cost is taken to need on the host; NaN when its cost is not known. */
    double seconds(LayerCost c) {
        if (c.flops() < 0 || c.bytesRead() < 0 || c.bytesWritten() < 0) return Double.NaN;
        return callSeconds + Math.max(c.flops() / (gflops * FLOP_SHARE * 1e9),
                (c.bytesRead() + c.bytesWritten()) / (gbps * BANDWIDTH_SHARE * 1e9));
    }
}
