package io.jengine.verify;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What the leak and memory-bound checks sample of this process: sizes from Linux's {@code /proc/self/status}, open
 * file descriptors, and the heap in use after a full collection.
 */
public final class ProcessStatus {
    private static final Path STATUS = Path.of("/proc/self/status");

    private ProcessStatus() {}

    /** Whether {@code /proc/self/status} can be read (Linux). */
    public static boolean available() { return Files.isReadable(STATUS); }

    /** A size field of {@code /proc/self/status} in KiB, e.g. "VmRSS", "RssAnon", "VmHWM". */
    public static long kib(String field) { return number(field); }

    /** The process's threads as the system counts them: the JVM's own and native threads the JVM never saw. */
    public static long threads() { return number("Threads"); }

    /** The number a field of {@code /proc/self/status} holds (its unit, where it has one, dropped). */
    private static long number(String field) {
        try {
            for (String line : Files.readAllLines(STATUS)) {
                if (line.startsWith(field + ":")) return Long.parseLong(line.replaceAll("\\D", ""));
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + STATUS + ": " + e.getMessage(), e);
        }
        throw new IllegalStateException(field + " is not in " + STATUS);
    }

    /** Open file descriptors of this process. */
    public static long openDescriptors() {
        try (var s = Files.list(Path.of("/proc/self/fd"))) {
            return s.count();
        } catch (IOException e) {
            throw new IllegalStateException("cannot list /proc/self/fd: " + e.getMessage(), e);
        }
    }

    /** Heap bytes in use after three full collections, each followed by a pause for reference processing to settle. */
    public static long heapAfterCollection() {
        for (int i = 0; i < 3; i++) {
            System.gc();
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
}
