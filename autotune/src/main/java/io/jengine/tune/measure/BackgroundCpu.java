package io.jengine.tune.measure;

import java.lang.management.ManagementFactory;

/**
 * CPU time the process spends outside its Java threads: HotSpot's compiler and GC threads, which no thread listing
 * shows (and native libraries' own threads). A compilation in progress shows up here long before it ends, when the
 * compiler's total time, the only figure the JVM publishes about it, finally grows: a kernel timed then runs
 * interpreted, a hundred times slower than it will. The probe costs one CPU-time query per Java thread.
 */
final class BackgroundCpu {
    private static final com.sun.management.OperatingSystemMXBean OS = operatingSystem();
    private static final com.sun.management.ThreadMXBean THREADS = threads();

    private BackgroundCpu() {}

    /** Whether the probe can be taken on this JVM. */
    static boolean available() { return OS != null && THREADS != null; }

    /** Process CPU time minus that of every live Java thread, in nanoseconds; -1 where it cannot be measured. */
    static long nanos() {
        if (!available()) return -1;
        long process = OS.getProcessCpuTime();
        if (process < 0) return -1;
        long[] cpu = THREADS.getThreadCpuTime(THREADS.getAllThreadIds());
        long threads = 0;
        for (long c : cpu) {
            if (c > 0) threads += c;
        }
        return process - threads;
    }

    private static com.sun.management.OperatingSystemMXBean operatingSystem() {
        try {
            return ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os
                    ? os : null;
        } catch (RuntimeException | LinkageError e) {
            return null;
        }
    }

    private static com.sun.management.ThreadMXBean threads() {
        try {
            return ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean t
                    && t.isThreadCpuTimeSupported() && t.isThreadCpuTimeEnabled() ? t : null;
        } catch (RuntimeException | LinkageError e) {
            return null;
        }
    }
}
