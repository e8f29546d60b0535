package io.jengine.calib;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Reads the float32 values at the start of a memory segment in array-sized chunks, so that the accumulators scan a
 * native tensor of hundreds of megabytes with their array loop instead of one bounds-checked access per value.
 */
final class SegmentFloats {
    /** Floats per chunk: 64 KiB, which stays in the L2 cache while it is scanned. */
    static final int CHUNK = 16 * 1024;

    /** What receives each chunk: the values are {@code chunk[0, length)}; the array is reused for the next chunk. */
    interface Sink {
        void accept(float[] chunk, int length);
    }

    private SegmentFloats() {}

    /**
     * Hands the first {@code count} floats of {@code floats} (native byte order, which is little-endian on every
     * platform the engine runs on; no alignment needed) to {@code sink}, in order.
     *
     * @throws IllegalArgumentException if {@code count} is negative or the segment holds fewer than {@code count}
     *     floats
     */
    static void forEach(MemorySegment floats, long count, Sink sink) {
        if (count < 0) throw new IllegalArgumentException("negative float count " + count);
        long bytes = Math.multiplyExact(count, Float.BYTES);
        if (bytes > floats.byteSize()) {
            throw new IllegalArgumentException(
                    "segment of " + floats.byteSize() + " bytes holds fewer than " + count + " floats");
        }
        float[] chunk = new float[(int) Math.min(CHUNK, count)];
        for (long done = 0; done < count; ) {
            int n = (int) Math.min(chunk.length, count - done);
            MemorySegment.copy(floats, ValueLayout.JAVA_FLOAT_UNALIGNED, done * Float.BYTES, chunk, 0, n);
            sink.accept(chunk, n);
            done += n;
        }
    }
}
