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
        if (nativeRange(src, srcOff, bytes) && nativeRange(dst, dstOff, bytes)) {
            // by address, so that a run makes no slices
            long a = src.address() + srcOff, b = dst.address() + dstOff;
            if (a != b && a < b + bytes && b < a + bytes) throw partialOverlap(what, srcOff, dstOff);
            return;
        }
        MemorySegment a = src.asSlice(srcOff, bytes), b = dst.asSlice(dstOff, bytes);
        // Two ranges of the same length that overlap over all of it are the same range.
        if (a.asOverlappingSlice(b).filter(o -> o.byteSize() != bytes).isPresent()) {
            throw partialOverlap(what, srcOff, dstOff);
        }
    }

    private static IllegalArgumentException partialOverlap(String what, long srcOff, long dstOff) {
        return new IllegalArgumentException(what + " output overlaps its input without coinciding with it "
                + "(input offset " + srcOff + ", output offset " + dstOff + ")");
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
        long inBytes = 4 * inSize, outBytes = 4 * outSize;
        boolean overlap, same;
        if (nativeRange(in, inOff, inBytes) && nativeRange(y, yOff, outBytes)) {
            // by address, so that a run makes no slices
            long a = in.address() + inOff, b = y.address() + yOff;
            overlap = a < b + outBytes && b < a + inBytes;
            same = a == b && inBytes == outBytes;
        } else {
            MemorySegment x = in.asSlice(inOff, inBytes), o = y.asSlice(yOff, outBytes);
            var common = x.asOverlappingSlice(o);
            overlap = common.isPresent();
            same = overlap && inSize == outSize && common.get().byteSize() == outBytes;
        }
        if (overlap && !same) {
            throw new IllegalArgumentException(opName + " output overlaps input " + name + " without coinciding with it"
                    + " (input " + inSize + " elements at offset " + inOff + ", output " + outSize + " at " + yOff + ")");
        }
    }
}
