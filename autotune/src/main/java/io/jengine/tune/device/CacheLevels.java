package io.jengine.tune.device;

/**
 * The data cache capacities of one core's view of the machine, and where they came from.
 *
 * @param l1d    level-1 data cache bytes
 * @param l2     level-2 cache bytes
 * @param l3     level-3 cache bytes (usually shared by several cores)
 * @param source where the numbers came from, kept in the description so a surprising number can be traced
 */
record CacheLevels(long l1d, long l2, long l3, String source) {
    // A typical server core: what the tuner assumes when nothing better is known.
    static final long DEFAULT_L1D = 32L << 10, DEFAULT_L2 = 1L << 20, DEFAULT_L3 = 16L << 20;

    CacheLevels {
        if (l1d <= 0 || l2 <= 0 || l3 <= 0) {
            throw new IllegalArgumentException("cache sizes must be positive, got L1d " + l1d + ", L2 " + l2 + ", L3 " + l3);
        }
    }

    static CacheLevels defaults(String why) {
        return new CacheLevels(DEFAULT_L1D, DEFAULT_L2, DEFAULT_L3, "defaults (" + why + ")");
    }
}
