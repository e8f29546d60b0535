package io.jengine.cpu.nativelib;

import java.lang.foreign.MemorySegment;

/**
 * The checks made before any downcall that is handed memory: a native library reads and writes through raw pointers,
 * so a heap segment or an out-of-bounds extent would crash the JVM instead of throwing.
 */
final class SegmentChecks {
    private SegmentChecks() {}

    /**
     * Checks that {@code segment} is native and holds {@code elements} floats from element {@code offset}; returns
     * that extent as a slice, so the downcall sees only it and keeps the segment alive while it runs.
     */
    static MemorySegment floats(String what, MemorySegment segment, long offset, long elements) {
        check(what, segment, offset, elements);
        return segment.asSlice(offset * Float.BYTES, elements * Float.BYTES);
    }

    /** As {@link #floats} from offset 0, without making a slice; returns the bytes of {@code elements} floats. */
    static long floatBytes(String what, MemorySegment segment, long elements) {
        check(what, segment, 0, elements);
        return elements * Float.BYTES;
    }

    /** As {@link #floatBytes} for elements of {@code elementBytes} bytes each; returns their bytes. */
    static long bytes(String what, MemorySegment segment, long elements, int elementBytes) {
        check(what, segment, 0, elements, elementBytes);
        return elements * elementBytes;
    }

    private static void check(String what, MemorySegment segment, long offset, long elements) {
        check(what, segment, offset, elements, Float.BYTES);
    }

    private static void check(String what, MemorySegment segment, long offset, long elements, int elementBytes) {
        if (segment == null) throw new IllegalArgumentException(what + " is null");
        if (!segment.isNative()) {
            throw new IllegalArgumentException(what + " must be a native (off-heap) segment, got a heap segment of "
                    + segment.byteSize() + " bytes");
        }
        if (offset < 0) throw new IllegalArgumentException(what + " offset must be >= 0, got " + offset);
        if (elements < 0) throw new IllegalArgumentException(what + " extent must be >= 0, got " + elements);
        long needed = Math.multiplyExact(Math.addExact(offset, elements), (long) elementBytes);
        if (segment.byteSize() < needed) {
            String unit = elementBytes == Float.BYTES ? " floats" : elementBytes == 1 ? " bytes"
                    : " elements of " + elementBytes + " bytes";
            throw new IllegalArgumentException(what + " needs " + needed + " bytes (offset " + offset + " + "
                    + elements + unit + "), the segment has " + segment.byteSize());
        }
    }

    /**
     * Fails unless {@code weights} holds exactly {@code elements} floats ({@code count} says how they are counted, as
     * in {@code "k * n"}): oneDNN reads constant weights by their dims alone, and a shorter segment would have it
     * read past its end.
     */
    static void exactFloats(String what, String count, MemorySegment weights, long elements) {
        long bytes = weights == null ? -1 : weights.byteSize();
        if (bytes != Math.multiplyExact(elements, (long) Float.BYTES)) {
            throw new IllegalArgumentException(what + " must hold " + count + " = " + elements + " floats, got "
                    + (weights == null ? "null" : bytes % Float.BYTES == 0 ? bytes / Float.BYTES
                    : bytes + " bytes"));
        }
    }

    /** Whether the first {@code aBytes} of {@code a} and the first {@code bBytes} of {@code b} share a byte. */
    static boolean overlap(MemorySegment a, long aBytes, MemorySegment b, long bBytes) {
        return aBytes > 0 && bBytes > 0 && a.address() < b.address() + bBytes && b.address() < a.address() + aBytes;
    }

    static void positive(String what, long value) {
        if (value <= 0) throw new IllegalArgumentException(what + " must be > 0, got " + value);
    }

    static void nonNegative(String what, long value) {
        if (value < 0) throw new IllegalArgumentException(what + " must be >= 0, got " + value);
    }
}
