package io.jengine.spi;

/**
 * What a tactic does on its node, in the terms of a roofline: the floating-point operations it performs (its own
 * count: Winograd's are fewer than the direct convolution's) and the bytes it must move at least (inputs, weights in
 * the form it reads them, outputs). The tuner's cost model turns it into a predicted time with the device's measured
 * peaks; a tactic whose kernel is a library call is ranked this way, since its inner tiling is not ours to choose.
 */
public record Workload(double flops, double bytes) {
    public Workload {
        if (!(flops >= 0) || !(bytes >= 0)) {
            throw new IllegalArgumentException("a workload needs non-negative flops and bytes, got " + flops + ", " + bytes);
        }
    }
}
