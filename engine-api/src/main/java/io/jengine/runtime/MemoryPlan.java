package io.jengine.runtime;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * Where every planned intermediate tensor lives in a session's arena: offsets from value lifetimes, so that values
 * never alive at the same step share bytes. Offsets are assigned greedily by size, each buffer into the smallest gap
 * left by the buffers whose lifetimes overlap its own (best fit) — the heuristic of TensorFlow Lite's and ONNX
 * Runtime's planners, which lands within a few percent of the peak of bytes live at once on real networks.
 *
 * <p>Slots that share one buffer (a view of its input, an in-place output) are grouped by the caller before planning;
 * a buffer's lifetime runs from the first step that writes any of its slots to the last step that reads any of them.
 */
final class MemoryPlan {
    /** Every buffer starts on this boundary: a cache line, and the widest vector load. */
    static final long ALIGNMENT = 64;

    private final long[] offsets;
    private final long arenaBytes;
    private final long peakLiveBytes;

    private MemoryPlan(long[] offsets, long arenaBytes, long peakLiveBytes) {
        this.offsets = offsets;
        this.arenaBytes = arenaBytes;
        this.peakLiveBytes = peakLiveBytes;
    }

    /** The offset of buffer {@code b} in the arena. */
    long offset(int b) { return offsets[b]; }

    /** Bytes the arena needs. */
    long arenaBytes() { return arenaBytes; }

    /** The largest sum of buffer sizes alive at one step: what no plan can go below. */
    long peakLiveBytes() { return peakLiveBytes; }

    /**
     * Plans buffers of the given sizes, alive from step {@code first[b]} to step {@code last[b]} inclusive, over
     * {@code steps} steps.
     */
    static MemoryPlan of(long[] sizes, int[] first, int[] last, int steps) {
        int n = sizes.length;
        long[] aligned = new long[n];
        for (int b = 0; b < n; b++) aligned[b] = (sizes[b] + ALIGNMENT - 1) / ALIGNMENT * ALIGNMENT;
        Integer[] order = new Integer[n];
        for (int b = 0; b < n; b++) order[b] = b;
        Arrays.sort(order, Comparator.<Integer>comparingLong(b -> -aligned[b]).thenComparingInt(b -> first[b]));

        long[] offsets = new long[n];
        Arrays.fill(offsets, -1);
        List<Integer> placed = new ArrayList<>();
        long arena = 0;
        for (int b : order) {
            List<Integer> overlapping = new ArrayList<>();
            for (int p : placed) {
                if (first[p] <= last[b] && first[b] <= last[p]) overlapping.add(p);
            }
            overlapping.sort(Comparator.comparingLong(p -> offsets[p]));
            long best = -1, bestGap = Long.MAX_VALUE, cursor = 0;
            for (int p : overlapping) {
                long gap = offsets[p] - cursor;
                if (gap >= aligned[b] && gap < bestGap) {
                    best = cursor;
                    bestGap = gap;
                }
                cursor = Math.max(cursor, offsets[p] + aligned[p]);
            }
            offsets[b] = best >= 0 ? best : cursor;
            arena = Math.max(arena, offsets[b] + aligned[b]);
            placed.add(b);
        }

        long[] live = new long[Math.max(steps, 1)];
        for (int b = 0; b < n; b++) {
            for (int s = first[b]; s <= last[b]; s++) live[s] += aligned[b];
        }
        long peak = 0;
        for (long l : live) peak = Math.max(peak, l);
        return new MemoryPlan(offsets, arena, peak);
    }
}
