package io.jengine.cpu.simd.ops;

/**
 * How the kernels cut their independent units of work (planes, rows, runs) into contiguous ranges, one per
 * {@code IntraOpPool} task: a few tasks per thread so that uneven progress evens out, the count fixed by the unit and
 * thread counts alone (never by timing), so results never depend on scheduling.
 */
public final class TaskRanges {
    private TaskRanges() {}

    public static int tasks(long units, int threads) {
        SegmentBounds.checkThreads(threads);
        return (int) Math.min(units, 4L * threads);
    }

    /** The first unit of task {@code t} of {@code tasks}; task t covers [start(t), start(t + 1)). */
    public static long start(long units, int tasks, int t) { return units * t / tasks; }
}
