package io.jengine.tune.space;

import io.jengine.spi.DeviceHardware;
import io.jengine.spi.GemmProblem;
import io.jengine.spi.GemmTiling;
import io.jengine.spi.Tunable;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The candidate tilings of a GEMM on a device that runs work-groups (a GPU through OpenCL), constructed as Roller
 * constructs rTiles: for each register tile the backend has ({@code mr x nr} outputs per work-item), work-groups of
 * whole SIMD widths (warps, wavefronts) up to the device's group limit, with a K step whose staged A and B blocks
 * ({@code 4 * kc * (mc + nc)} bytes) leave local memory for a second group on the compute unit. Aligned to the tensor
 * too: a tile that would cover twice the (register-rounded) extent of its dimension is left out, since half of it
 * would compute padding, and so is a K step past the depth.
 *
 * <p>In {@link GemmTiling}'s terms a work-group's tile is {@code mc x nc} ({@code mc/mr x nc/nr} work-items) and its
 * K step {@code kc}.
 */
public final class WorkGroupSpace {
    private static final int[] SIDES = {1, 2, 4, 8, 16, 32, 64};
    private static final int[] K_STEPS = {4, 8, 16, 32};

    private WorkGroupSpace() {}

    /** The constructed tilings, the backend's current one first, without duplicates. */
    public static List<GemmTiling> construct(Tunable t, DeviceHardware hw) {
        GemmProblem p = t.problem();
        Set<GemmTiling> out = new LinkedHashSet<>();
        out.add(t.tiling());
        int simd = Math.min(hw.simdWidth(), hw.maxWorkGroupSize());
        for (Tunable.RegisterTile r : t.registerTiles()) {
            for (int wgM : SIDES) {
                for (int wgN : SIDES) {
                    int items = wgM * wgN;
                    if (items > hw.maxWorkGroupSize() || items % simd != 0) continue;
                    int mc = wgM * r.mr(), nc = wgN * r.nr();
                    if (!fitsExtent(mc, wgM, p.m(), r.mr()) || !fitsExtent(nc, wgN, p.n(), r.nr())) continue;
                    for (int kc : K_STEPS) {
                        if (kc > K_STEPS[0] && kc > roundUp(p.k(), K_STEPS[0])) continue;
                        if (4L * kc * (mc + nc) > hw.localMemBytes() / 2) continue;
                        out.add(new GemmTiling(r.mr(), r.nr(), kc, mc, nc));
                    }
                }
            }
        }
        return new ArrayList<>(out);
    }

    /** A tile side is kept unless a group half as wide would cover the whole (register-rounded) extent too. */
    private static boolean fitsExtent(int tile, int groupSide, int extent, int perItem) {
        return groupSide == 1 || tile < 2 * roundUp(extent, perItem);
    }

    private static int roundUp(int v, int align) { return Math.ceilDiv(v, align) * align; }
}
