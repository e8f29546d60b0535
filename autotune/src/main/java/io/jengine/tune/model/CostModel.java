package io.jengine.tune.model;

import io.jengine.spi.GemmProblem;
import io.jengine.spi.GemmTiling;
import io.jengine.spi.Tactic;
import io.jengine.spi.Workload;
import io.jengine.tune.device.DeviceDescription;

/**
 * Roller's micro-performance model on a CPU: a candidate's time is the slowest of its compute (FLOPs at the measured
 * FMA peak) and its traffic at each memory level (bytes at that level's measured bandwidth), plus what the roofline
 * does not see: packing the operand that changes per run, and a fixed cost per task. No run is needed, so every
 * constructed candidate is ranked and only the best few are timed.
 *
 * <p>A tiled GEMM's traffic follows from its tiling (the GotoBLAS loop nest: depth blocks of kc, A blocks of mc rows,
 * nr-wide B micro-panels): the micro-kernel reads {@code mr + nr} floats from L1 per step; the A block is read from L2
 * once per B micro-panel; the B panel once per A block, from L2 or L3 depending on whether it fits; C is read and
 * written once per depth block. A block that overflows its level is charged at the next level's bandwidth. A tactic
 * whose inside is a library's (oneDNN) or a fixed kernel is ranked by its {@link Workload} and an efficiency per tactic
 * kind, calibrated from the kind's measured runs ({@link Calibration}).
 */
public final class CostModel {
    /**
     * The cost of one task of a parallel loop (hand-off, tile set-up), and of a call at all: waking the pool's
     * threads and joining them, the kernel's Java around its work. A call is what the smallest layers measure (PP-OCR's
     * 1x1 convolutions of a few thousand FMAs took 6.5 us in cpu-simd and 12 in oneDNN); it is added after a kind's
     * calibration, which learns how fast a kind does its work, not what a call costs.
     */
    private static final double TASK_SECONDS = 2e-6, CALL_SECONDS = 5e-6;
    /**
     * Packing one element reads it with a scalar loop and writes it into the panel: about eight vector FMAs' time.
     * This and the constants below were fitted on BERT's projections timed at tune level 3 (every tiling measured),
     * for the best rank correlation between predicted and measured time.
     */
    private static final double PACK_FMAS = 8;
    /**
     * Storing a micro-tile (once per depth block) goes through the tile writer and its epilogue: about 100 ns, which
     * is what makes short depth blocks and many column panels slower than their traffic says.
     */
    private static final double TILE_STORE_SECONDS = 1e-7;
    /** The fraction of the FMA peak the Vector API micro-kernel reaches when fed from L1 (~70 of 94 GFLOP/s here). */
    private static final double MICRO_KERNEL_EFFICIENCY = 0.75;
    /**
     * The part of the lesser of compute and memory time that does not overlap the greater: none overlaps, as fitted
     * (the micro-kernel stalls on its loads rather than hiding them).
     */
    private static final double OVERLAP_LOSS = 1.0;

    private final DeviceDescription device;
    private final Calibration calibration;

    public CostModel(DeviceDescription device, Calibration calibration) {
        this.device = device;
        this.calibration = calibration;
    }

    /** Predicted seconds of one run of {@code t} with {@code threads} threads; NaN when the tactic says nothing. */
    public double predict(Tactic t, int threads) {
        if (t.tunable() != null) {
            return gemmWork(t.tunable().problem(), t.tunable().tiling(), threads) * calibration.slowdown(kindOf(t))
                    + CALL_SECONDS;
        }
        Workload w = t.workload();
        if (w == null) return Double.NaN;
        return roofline(w, threads) / calibration.efficiency(kindOf(t)) + CALL_SECONDS;
    }

    /** What a call costs beyond its work (see {@link #CALL_SECONDS}). */
    public static double callSeconds() { return CALL_SECONDS; }

    /** The tactic's kind for calibration: backend and name without a tiling. */
    public static String kindOf(Tactic t) { return t.backend() + ":" + t.kind(); }

    /**
     * A workload's own time at the full FMA peak and the bandwidth of the level its bytes fit in (efficiency 1),
     * without the call.
     */
    public double roofline(Workload w, int threads) {
        int par = Math.max(1, Math.min(threads, device.cores()));
        double compute = w.flops() / (device.peakGflopsPerCore() * 1e9 * par);
        double memory = w.bytes() / (device.bandwidthFor((long) w.bytes()) * 1e9 * par);
        return Math.max(compute, memory);
    }

    /** A packed GEMM with this tiling. */
    public double gemm(GemmProblem p, GemmTiling t, int threads) { return gemmWork(p, t, threads) + CALL_SECONDS; }

    /** A packed GEMM's own time with this tiling, without the call. */
    public double gemmWork(GemmProblem p, GemmTiling t, int threads) {
        int mr = t.mr(), nr = t.nr();
        int k = p.k(), m = p.m(), n = p.n(), batch = p.batch();
        int kBlocks = Math.ceilDiv(k, t.kc()), kc = Math.ceilDiv(k, kBlocks);
        int mBlocks = Math.ceilDiv(m, t.mc()), mc = roundUp(Math.ceilDiv(m, mBlocks), mr);
        int nBlocks = Math.ceilDiv(n, t.nc()), nc = roundUp(Math.ceilDiv(n, nBlocks), nr);
        double mPad = (double) mBlocks * mc, nPad = roundUp(n, nr);
        // The thread count that can be busy: tasks are (problem, row tile, column tile) of at least a micro-tile.
        double units = (double) batch * Math.ceilDiv(m, mr) * Math.ceilDiv(n, nr);
        double par = Math.max(1, Math.min(Math.min(threads, device.cores()), units / 4));
        double perCoreFlops = device.peakGflopsPerCore() * 1e9;

        double compute = 2.0 * mPad * nPad * k * batch / (perCoreFlops * MICRO_KERNEL_EFFICIENCY);
        // L1 -> registers: mr + nr floats per micro-kernel step.
        double l1 = batch * (mPad / mr) * (nPad / nr) * k * (mr + nr) * 4.0;
        // The A block is re-read once per B micro-panel; from L2 when it fits there, else from L3.
        double aBlockBytes = 4.0 * mc * kc, aReads = batch * mPad * k * (nPad / nr) * 4.0;
        // The B panel is read once per A block; from L2 when the panel fits beside the A block, else from L3.
        double bPanelBytes = 4.0 * kc * nc, bReads = batch * mBlocks * (double) k * nPad * 4.0;
        // A B micro-panel larger than half of L1 is re-read from L2 by every micro-kernel of the A block.
        double bMicroBytes = 4.0 * kc * nr;
        double bL1Misses = bMicroBytes > device.l1dBytes() / 2.0 ? batch * (mPad / mr) * k * nPad * 4.0 : 0;
        // C is read and written once per depth block (written only, the first time).
        double cBytes = batch * mPad * nPad * 4.0 * (2 * kBlocks - 1);
        double l2 = bL1Misses, l3 = 0;
        if (aBlockBytes <= device.l2Bytes() / 2.0) l2 += aReads; else l3 += aReads;
        if (aBlockBytes + bPanelBytes <= device.l2Bytes()) l2 += bReads; else l3 += bReads;
        if (4.0 * mc * nc <= device.l2Bytes()) l2 += cBytes; else l3 += cBytes;
        // Compulsory traffic: operands and C once, from wherever the whole problem fits.
        double footprint = p.bytes();
        double memory = l1 / (device.l1GBps() * 1e9) + l2 / (device.l2GBps() * 1e9) + l3 / (device.l3GBps() * 1e9)
                + footprint / (device.bandwidthFor((long) footprint) * 1e9);
        // Loads do not overlap the FMAs: a block that misses its level stalls the micro-kernel on latency long before
        // the level's bandwidth runs out.
        double roof = Math.max(compute, memory) + OVERLAP_LOSS * Math.min(compute, memory);

        // Packing the operand that changes per run: A once per column tile, B once per row tile (one per thread at
        // most: a task packs its B block once and sweeps all its A blocks past it).
        double packed = 0;
        if (!p.aPrepacked()) packed += (double) batch * m * k * nBlocks;
        if (!p.bPrepacked()) packed += (double) batch * k * n * Math.min(mBlocks, par);
        double vectorFma = 2.0 * device.floatLanes() * 2 / perCoreFlops; // seconds per vector FMA, as one pipe issues them
        double pack = packed * p.packCost() * PACK_FMAS * vectorFma;
        double tasks = (double) batch * mBlocks * nBlocks * kBlocks;
        double stores = (double) batch * Math.ceilDiv(m, mr) * Math.ceilDiv(n, nr) * kBlocks * TILE_STORE_SECONDS;
        return (roof + pack + stores) / par + TASK_SECONDS * tasks / par;
    }

    private static int roundUp(int v, int align) { return Math.ceilDiv(v, align) * align; }
}
