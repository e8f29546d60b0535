package io.jengine.cpu.simd.ops;

import java.lang.foreign.MemorySegment;

/** The checks every compute function makes on its segments before it touches memory. */
final class SegmentBounds {
    private SegmentBounds() {}

    /** Checks that {@code count} float32 elements from byte {@code offset} lie inside {@code seg}. */
    static void checkFloats(String what, MemorySegment seg, long offset, long count) {
        checkElements(what, seg, offset, count, Float.BYTES);
    }

    /** Checks that {@code count} one-byte elements (bools) from byte {@code offset} lie inside {@code seg}. */
    static void checkBytes(String what, MemorySegment seg, long offset, long count) {
        checkElements(what, seg, offset, count, 1);
    }

    private static void checkElements(String what, MemorySegment seg, long offset, long count, int elementBytes) {
        if (seg == null) throw new IllegalArgumentException(what + " segment is null");
        if (offset < 0) throw new IllegalArgumentException(what + " offset must be non-negative, got " + offset);
        if (count < 0) throw new IllegalArgumentException(what + " element count must be non-negative, got " + count);
        long bytes = Math.multiplyExact(count, elementBytes);
        if (offset > seg.byteSize() - bytes) {
            throw new IllegalArgumentException(what + " needs " + bytes + " bytes from offset " + offset
                    + ", but its segment holds " + seg.byteSize() + " bytes");
        }
    }

    /**
     * Checks that an output range either is exactly an input range (in-place use, which element-by-element loops
     * support since each element is read before it is written) or does not overlap it at all.
     */
    static void checkAliasing(String what, MemorySegment src, long srcOff, MemorySegment dst, long dstOff, long bytes) {
        if (bytes == 0) return;
        long shared = sharedBytes(src, srcOff, bytes, dst, dstOff, bytes);
        // Two ranges of the same length that overlap over all of it are the same range.
        if (shared != 0 && shared != bytes) {
            throw new IllegalArgumentException(what + " output overlaps its input without coinciding with it "
                    + "(input offset " + srcOff + ", output offset " + dstOff + ")");
        }
    }

    /**
     * The bytes that {@code aBytes} from byte {@code aOff} of {@code a} and {@code bBytes} from {@code bOff} of
     * {@code b} have in common (0: disjoint). Native ranges are compared by address, so that a run makes no slices;
     * heap ones (tests) through slices, since only segments over the same array can share bytes.
     */
    private static long sharedBytes(MemorySegment a, long aOff, long aBytes, MemorySegment b, long bOff, long bBytes) {
        if (nativeRange(a, aOff, aBytes) && nativeRange(b, bOff, bBytes)) {
            long lo = Math.max(a.address() + aOff, b.address() + bOff);
            long hi = Math.min(a.address() + aOff + aBytes, b.address() + bOff + bBytes);
            return Math.max(0, hi - lo);
        }
        return a.asSlice(aOff, aBytes).asOverlappingSlice(b.asSlice(bOff, bBytes)).map(MemorySegment::byteSize)
                .orElse(0L);
    }

    /** Whether {@code seg} is native and holds {@code bytes} from {@code offset}: its addresses may then be compared. */
    private static boolean nativeRange(MemorySegment seg, long offset, long bytes) {
        return seg.isNative() && offset >= 0 && bytes >= 0 && offset <= seg.byteSize() - bytes;
    }

    static void checkPositive(String what, long v) {
        if (v <= 0) throw new IllegalArgumentException(what + " must be positive, got " + v);
    }

    static void checkThreads(int threads) {
        if (threads <= 0) throw new IllegalArgumentException("threads must be positive, got " + threads);
    }

    /** The output may coincide with an input of the output's size (in place), and must not overlap it otherwise. */
    static void checkInPlace(String opName, String name, MemorySegment in, long inOff, long inSize, MemorySegment y,
                              long yOff, long outSize) {
        if (inSize == 0 || outSize == 0) return;
        long shared = sharedBytes(in, inOff, 4 * inSize, y, yOff, 4 * outSize);
        if (shared != 0 && (inSize != outSize || shared != 4 * outSize)) {
            throw new IllegalArgumentException(opName + " output overlaps input " + name + " without coinciding with it"
                    + " (input " + inSize + " elements at offset " + inOff + ", output " + outSize + " at " + yOff + ")");
        }
    }

    /**
     * As {@link #checkInPlace} for elements of {@code inBytes} and {@code outBytes} bytes: an output in place of an
     * input must be the same bytes exactly, elements of one size.
     */
    static void checkInPlace(String opName, String name, MemorySegment in, long inOff, int inBytes, long inSize,
                             MemorySegment y, long yOff, int outBytes, long outSize) {
        if (inSize == 0 || outSize == 0) return;
        long shared = sharedBytes(in, inOff, inBytes * inSize, y, yOff, outBytes * outSize);
        if (shared != 0 && (inSize != outSize || inBytes != outBytes || shared != (long) outBytes * outSize)) {
            throw new IllegalArgumentException(opName + " output overlaps input " + name + " without coinciding with it"
                    + " (input " + inSize + " elements of " + inBytes + " bytes at offset " + inOff + ", output "
                    + outSize + " of " + outBytes + " at " + yOff + ")");
        }
    }
}
