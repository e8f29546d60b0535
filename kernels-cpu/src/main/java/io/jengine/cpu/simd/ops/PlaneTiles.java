package io.jengine.cpu.simd.ops;

/**
 * How the plane-wise kernels cut N*C planes into tasks for {@code IntraOpPool}: a few tasks per thread so that
 * uneven progress evens out, the count fixed by the plane and thread counts alone (never by timing).
 */
final class PlaneTiles {
    private PlaneTiles() {}

    static int tasks(long planes, int threads) {
        SegmentBounds.checkThreads(threads);
        return (int) Math.min(planes, 4L * threads);
    }

    /** The first plane of task {@code t} of {@code tasks}; task t covers [start(t), start(t + 1)). */
    static long start(long planes, int tasks, int t) { return planes * t / tasks; }
}
