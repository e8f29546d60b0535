package io.jengine.opencl;

import io.jengine.spi.GemmTiling;
import io.jengine.spi.Tunable;
import java.util.List;

/**
 * The tiling of {@code gemm.cl}'s register-tiled kernels: a work-group of {@code wgM x wgN} work-items computes a
 * {@code wgM*wptM x wgN*wptN} tile of C, each work-item {@code wptM x wptN} outputs in registers, over K in steps of
 * {@code tk} staged in local memory. Compiled in as {@code #define}s, so each tiling is a program of its own.
 *
 * <p>In the tuner's terms ({@link GemmTiling}): the register tile is {@code mr x nr = wptM x wptN}, the local-memory
 * blocks are {@code mc x kc} of A and {@code kc x nc} of B with {@code mc = wgM*wptM}, {@code nc = wgN*wptN} and
 * {@code kc = tk}, so a tactic name reads {@code gemm@4x4.kc16.mc64.nc64}.
 */
record ClTiling(int wptM, int wptN, int tk, int wgM, int wgN) {
    /** The most outputs one work-item holds: beyond 8 x 8 the accumulators spill out of registers on every device. */
    static final int MAX_PER_ITEM = 8;
    /** The per-work-item tiles the kernels are built for (any of them compiles; these are the ones worth trying). */
    static final List<Tunable.RegisterTile> REGISTER_TILES = List.of(new Tunable.RegisterTile(1, 1),
            new Tunable.RegisterTile(2, 2), new Tunable.RegisterTile(2, 4), new Tunable.RegisterTile(4, 2),
            new Tunable.RegisterTile(4, 4), new Tunable.RegisterTile(4, 8), new Tunable.RegisterTile(8, 4),
            new Tunable.RegisterTile(8, 8));
    /** The tiling a layer runs with untuned, where the device allows it: 256 work-items, 64 x 64 outputs. */
    static final ClTiling DEFAULT = new ClTiling(4, 4, 16, 16, 16);

    ClTiling {
        if (wptM < 1 || wptN < 1 || tk < 1 || wgM < 1 || wgN < 1 || wptM > MAX_PER_ITEM || wptN > MAX_PER_ITEM
                || tk > 64 || wgM > 64 || wgN > 64) {
            throw new IllegalArgumentException("an OpenCL GEMM tiling needs 1..8 outputs per work-item each way, a K "
                    + "step of 1..64 and 1..64 work-items each way; got " + wptM + "x" + wptN + " tk " + tk + " group "
                    + wgM + "x" + wgN);
        }
    }

    /** The tiling a {@link GemmTiling} names (its blocks are whole register tiles); an IllegalArgumentException past the limits. */
    static ClTiling of(GemmTiling t) { return new ClTiling(t.mr(), t.nr(), t.kc(), t.mc() / t.mr(), t.nc() / t.nr()); }

    GemmTiling gemm() { return new GemmTiling(wptM, wptN, tk, tileM(), tileN()); }

    int tileM() { return wgM * wptM; }

    int tileN() { return wgN * wptN; }

    int workItems() { return wgM * wgN; }

    /** Local memory one work-group stages: a {@code tk x tileM} block of A and a {@code tk x tileN} block of B. */
    long localBytes() { return 4L * tk * (tileM() + tileN()); }

    /** Why the device cannot run this tiling, or null when it can (as far as its limits tell before a build). */
    String misfit(DeviceInfo d) {
        if (workItems() > d.maxWorkGroupSize()) {
            return workItems() + " work-items per group, more than the device's " + d.maxWorkGroupSize();
        }
        if (localBytes() > d.localMemBytes()) {
            return localBytes() + " bytes of local memory, more than the device's " + d.localMemBytes();
        }
        return null;
    }

    /** The tiling for a device that runs no tuned one: {@link #DEFAULT}, else the largest smaller one that fits. */
    static ClTiling defaultFor(DeviceInfo d) {
        for (ClTiling t : List.of(DEFAULT, new ClTiling(4, 4, 16, 8, 8), new ClTiling(2, 2, 8, 8, 8),
                new ClTiling(2, 2, 8, 4, 4), new ClTiling(1, 1, 4, 1, 1))) {
            if (t.misfit(d) == null) return t;
        }
        return null;
    }

    /** The {@code #define}s that build {@code gemm.cl} for this tiling. */
    String defines() {
        return "#define WG_M " + wgM + "\n#define WG_N " + wgN + "\n#define WPT_M " + wptM + "\n#define WPT_N " + wptN
                + "\n#define TK " + tk + "\n";
    }

    /** The work-group shape, as {@code gemm.cl} declares it: x along C's columns, y along its rows. */
    long[] local() { return new long[] {wgN, wgM, 1}; }

    /** The launch over a {@code rows x cols} result, {@code batch} times. */
    long[] global(long rows, long cols, long batch) {
        return new long[] {Math.ceilDiv(cols, tileN()) * wgN, Math.ceilDiv(rows, tileM()) * wgM, batch};
    }

    @Override
    public String toString() { return gemm().id(); }
}
