package io.jengine.limits;

import io.jengine.errors.ResourceLimitException;
import java.lang.management.ManagementFactory;

/**
 * The limits that keep a small or hostile file from making the engine take unbounded memory or time. Each is a system
 * property, read when it is checked (so a service may change it while running); the defaults are above what any real
 * model asks for and below what would take the machine down:
 * <ul>
 *   <li>{@value #MAX_ALLOCATION_BYTES}: the most bytes one allocation may take: a tensor a kernel or reader makes, a
 *       session's activation arena, the stacked outputs of a Loop. Default: the machine's physical memory (the
 *       container's limit where there is one), since a larger block could never be held.</li>
 *   <li>{@value #MAX_DENSE_BYTES}: the most bytes a sparse initializer may take once made dense (4 GiB): the one value
 *       in a model file whose size is not bounded by the file's own bytes.</li>
 *   <li>{@value #MAX_LOOP_ITERATIONS}: iterations of one Loop node in one run (1,000,000): a trip count of 2^63 with a
 *       condition that stays true would otherwise never end.</li>
 *   <li>{@value #MAX_SEQUENCE_LENGTH}: tensors in one sequence (1,000,000).</li>
 * </ul>
 * Strings live on the Java heap: a string tensor's elements are counted at 16 bytes each against the smaller of the
 * allocation limit and half the heap.
 */
public final class ResourceLimits {
    public static final String MAX_ALLOCATION_BYTES = "jengine.limits.maxAllocationBytes";
    public static final String MAX_DENSE_BYTES = "jengine.import.maxDenseBytes";
    public static final String MAX_LOOP_ITERATIONS = "jengine.limits.maxLoopIterations";
    public static final String MAX_SEQUENCE_LENGTH = "jengine.limits.maxSequenceLength";

    static final long DEFAULT_MAX_DENSE_BYTES = 4L << 30;
    static final long DEFAULT_MAX_LOOP_ITERATIONS = 1_000_000;
    static final long DEFAULT_MAX_SEQUENCE_LENGTH = 1_000_000;
    /** Heap bytes charged per string element: a reference and its share of the string objects. */
    static final long STRING_ELEMENT_BYTES = 16;

    private static final long PHYSICAL_MEMORY = physicalMemory();

    private ResourceLimits() {}

    public static long maxAllocationBytes() { return read(MAX_ALLOCATION_BYTES, PHYSICAL_MEMORY); }

    public static long maxDenseBytes() { return read(MAX_DENSE_BYTES, DEFAULT_MAX_DENSE_BYTES); }

    public static long maxLoopIterations() { return read(MAX_LOOP_ITERATIONS, DEFAULT_MAX_LOOP_ITERATIONS); }

    public static long maxSequenceLength() { return read(MAX_SEQUENCE_LENGTH, DEFAULT_MAX_SEQUENCE_LENGTH); }

    /** Refuses an allocation of {@code bytes} for {@code what} (e.g. "tensor of FLOAT32 [1048576, 1048576]"). */
    public static void checkAllocation(String what, long bytes) {
        long max = maxAllocationBytes();
        if (bytes > max) {
            throw new ResourceLimitException(what + " needs " + bytes(bytes) + ", above the limit of one allocation, "
                    + bytes(max) + " (system property " + MAX_ALLOCATION_BYTES + ")");
        }
    }

    /** Refuses {@code count} string elements for {@code what} where the heap could not hold them. */
    public static void checkStrings(String what, long count) {
        long max = Math.min(maxAllocationBytes(), Runtime.getRuntime().maxMemory() / 2) / STRING_ELEMENT_BYTES;
        max = Math.min(max, Integer.MAX_VALUE - 8);
        if (count > max) {
            throw new ResourceLimitException(what + " holds " + count + " strings, above the " + max
                    + " the heap allows (half of -Xmx, at most system property " + MAX_ALLOCATION_BYTES + " / "
                    + STRING_ELEMENT_BYTES + ")");
        }
    }

    /** Refuses the iteration after the limit'th of a Loop, {@code what} naming it. */
    public static void checkLoopIterations(String what, long iterations) {
        long max = maxLoopIterations();
        if (iterations > max) {
            throw new ResourceLimitException(what + " ran more than " + max + " iterations (system property "
                    + MAX_LOOP_ITERATIONS + ")");
        }
    }

    /** Refuses a sequence of {@code length} tensors. */
    public static void checkSequenceLength(String what, long length) {
        long max = maxSequenceLength();
        if (length > max) {
            throw new ResourceLimitException(what + " would hold " + length + " tensors, above the limit of " + max
                    + " (system property " + MAX_SEQUENCE_LENGTH + ")");
        }
    }

    private static long read(String property, long fallback) {
        String v = System.getProperty(property);
        if (v == null) return fallback;
        try {
            long n = Long.parseLong(v.strip().replace("_", ""));
            if (n < 0) throw new NumberFormatException();
            return n;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("system property " + property + " must be a non-negative count, got '"
                    + v + "'");
        }
    }

    private static long physicalMemory() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            long total = os.getTotalMemorySize();
            if (total > 0) return total;
        }
        return Long.MAX_VALUE;
    }

    private static String bytes(long n) {
        if (n >= 1L << 30) return String.format("%d bytes (%.1f GiB)", n, n / (double) (1L << 30));
        if (n >= 1L << 20) return String.format("%d bytes (%.1f MiB)", n, n / (double) (1L << 20));
        return n + " bytes";
    }
}
