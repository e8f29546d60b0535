package io.jengine.tune.model;

import io.jengine.spi.DeviceHardware;
import io.jengine.spi.GemmProblem;
import io.jengine.spi.GemmTiling;

/**
 * Roller's micro-performance model on a device of compute units (a GPU through OpenCL): a tiled GEMM runs as
 * work-groups, each computing an {@code mc x nc} tile of C and reading its A and B panels from global memory; the
 * groups are dealt out to the compute units in waves. Its time is the slower of
 * <ul>
 *   <li>compute: the groups the busiest compute unit runs, each {@code 2 mc nc K} FLOPs at that unit's share of the
 *   measured peak, slowed where a work-item's register tile is too small to feed its FMAs from local memory (each step
 *   loads {@code mr + nr} values for {@code mr nr} FMAs) or where too few work-items are resident to hide latency;
 *   and the two barriers of each K step at their measured cost;</li>
 *   <li>memory: the compulsory bytes (A, B and C once) at the measured global bandwidth, and every group's re-read of
 *   its panels, which the device's cache mostly serves, at a multiple of it;</li>
 * </ul>
 * plus one launch. Tiles that leave compute units idle on a small layer, or that spill into a last partial wave, are
 * what it tells apart; the few best are then timed.
 */
public final class DeviceCostModel {
    /** How much faster than global memory the device's cache serves the panels groups read again. */
    private static final double CACHE_SPEEDUP = 3;
    /** Work-items in SIMD widths a compute unit needs resident to hide its latencies (warps per scheduler, 4 of them). */
    private static final int LATENCY_WARPS = 8;
    /** The most groups a compute unit keeps resident at once, whatever its local memory allows. */
    private static final int MAX_RESIDENT = 16;

    private DeviceCostModel() {}

    /** Predicted seconds of one launch of the GEMM with this tiling on the device. */
    public static double predict(GemmProblem p, GemmTiling t, DeviceHardware hw) {
        int mr = t.mr(), nr = t.nr(), mc = t.mc(), nc = t.nc(), kc = t.kc();
        int items = (mc / mr) * (nc / nr);
        double kPad = (double) Math.ceilDiv(p.k(), kc) * kc;
        double groups = (double) Math.ceilDiv(p.m(), mc) * Math.ceilDiv(p.n(), nc) * p.batch();
        long localBytes = 4L * kc * (mc + nc);
        int resident = (int) Math.max(1, Math.min(MAX_RESIDENT, Math.min(
                hw.localMemBytes() / Math.max(1, localBytes), 2L * hw.maxWorkGroupSize() / items)));
        double perUnit = Math.ceil(groups / hw.computeUnits());
        double concurrentItems = Math.min(perUnit, resident) * items;
        double latency = Math.min(1, concurrentItems / (LATENCY_WARPS * (double) hw.simdWidth()));
        double feed = Math.min(1, 2.0 * mr * nr / (mr + nr) / 4);
        double unitFlops = hw.peakGflops() * 1e9 / hw.computeUnits();
        double compute = perUnit * 2.0 * mc * nc * kPad / (unitFlops * latency * feed)
                + perUnit * (kPad / kc) * 2 * hw.barrierSeconds();

        double compulsory = p.bytes();
        double panels = groups * (mc + nc) * kPad * 4.0;
        double bandwidth = hw.memoryGBps() * 1e9;
        double memory = compulsory / bandwidth + Math.max(0, panels - compulsory) / (CACHE_SPEEDUP * bandwidth);
        return Math.max(compute, memory) + hw.launchSeconds();
    }
}
