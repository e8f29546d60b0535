package io.jengine.tune.space;

import io.jengine.spi.GemmProblem;
import io.jengine.spi.GemmTiling;
import io.jengine.spi.Tunable;
import io.jengine.tune.device.DeviceDescription;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The candidate tilings of a GEMM, constructed as Roller constructs rTiles rather than enumerated: for each register
 * tile the backend has, every cache block is aligned twice — to the hardware (kc a multiple of the cache line's floats
 * so packed panels start on a line; mc a multiple of mr; nc a multiple of nr) and to the tensor (the dimension split
 * into equal blocks, since the driver evens blocks out anyway, so no two candidates run the same loops) — and kept
 * only while the operand it holds fits its memory level: the B micro-panel ({@code kc x nr}) in half of L1, the A
 * block ({@code mc x kc}) in L2, the B panel ({@code kc x nc}) in this core's share of L3. Growing a block along its
 * axis until the level is full is Roller's reuse-driven growth: each size kept is one step of it.
 */
public final class GemmSpace {

    private GemmSpace() {}

    /** The constructed tilings, the backend's current one included, without duplicates. */
    public static List<GemmTiling> construct(Tunable t, DeviceDescription d) {
        GemmProblem p = t.problem();
        Set<GemmTiling> out = new LinkedHashSet<>();
        out.add(t.tiling());
        int lineFloats = 16; // a 64-byte cache line
        for (Tunable.RegisterTile r : t.registerTiles()) {
            List<Integer> kcs = blocks(p.k(), lineFloats, kc -> 4L * kc * r.nr() <= d.l1dBytes() / 2, 8);
            for (int kc : kcs) {
                List<Integer> mcs = blocks(p.m(), r.mr(), mc -> 4L * mc * kc <= d.l2Bytes(), 5);
                List<Integer> ncs = blocks(p.n(), r.nr(), nc -> 4L * kc * nc <= d.l3Bytes() / Math.max(1, d.cores()), 5);
                for (int mc : mcs) {
                    for (int nc : ncs) out.add(new GemmTiling(r.mr(), r.nr(), kc, mc, nc));
                }
            }
        }
        return new ArrayList<>(out);
    }

    /**
     * The block sizes of a dimension of {@code extent}: the extent split into 1, 2, 3 ... equal parts, each rounded
     * up to {@code align}; those that fit come first (largest first, at most {@code keep}), and where none fits the
     * smallest two stand in so that a level too small for any block still gets candidates.
     */
    static List<Integer> blocks(int extent, int align, java.util.function.IntPredicate fits, int keep) {
        List<Integer> all = new ArrayList<>();
        // 1, 2, 3, 4, 6, 8, 12, 16, 24 ... equal blocks: each size about 3/4 or 2/3 of the one before.
        for (int s = 1; ; s = s < 4 ? s + 1 : s % 3 == 0 ? s / 3 * 4 : s / 2 * 3) {
            int size = Math.max(align, roundUp(Math.ceilDiv(extent, s), align));
            if (!all.contains(size)) all.add(size);
            if (Math.ceilDiv(extent, s) <= align) break;
        }
        List<Integer> fitting = new ArrayList<>();
        for (int size : all) {
            if (fits.test(size) && fitting.size() < keep) fitting.add(size);
        }
        if (!fitting.isEmpty()) return fitting;
        return all.subList(Math.max(0, all.size() - 2), all.size());
    }

    private static int roundUp(int v, int align) { return Math.ceilDiv(v, align) * align; }
}
