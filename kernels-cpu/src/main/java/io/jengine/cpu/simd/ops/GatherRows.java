package io.jengine.cpu.simd.ops;

import io.jengine.spi.IntraOpPool;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Gather on axis 0 (an embedding lookup): output row k is table row indices[k], a row being everything after axis 0,
 * of any element size, moved with one {@link MemorySegment#copy}. Indices are int32 or int64; a negative index
 * counts from the end, as ONNX allows; one outside [-rows, rows) is an error naming it.
 */
public final class GatherRows {
    private GatherRows() {}

    /**
     * Copies {@code count} rows of {@code rowBytes} bytes from a table of {@code rows} rows at byte {@code tOff} of
     * {@code table}, picked by the indices (of {@code indexBytes} 4 or 8) at byte {@code iOff} of {@code indices},
     * into byte {@code yOff} of y.
     */
    public static void run(MemorySegment table, long tOff, long rows, long rowBytes, MemorySegment indices, long iOff,
                           int indexBytes, long count, MemorySegment y, long yOff, int threads) {
        SegmentBounds.checkThreads(threads);
        if (indexBytes != 4 && indexBytes != 8) {
            throw new IllegalArgumentException("indices must be int32 or int64 (4 or 8 bytes), got " + indexBytes + " bytes");
        }
        if (rows < 0 || rowBytes < 0 || count < 0) {
            throw new IllegalArgumentException("rows, row bytes and count must be non-negative, got " + rows + ", "
                    + rowBytes + ", " + count);
        }
        checkRange("table", table, tOff, Math.multiplyExact(rows, rowBytes));
        checkRange("indices", indices, iOff, Math.multiplyExact(count, indexBytes));
        checkRange("output", y, yOff, Math.multiplyExact(count, rowBytes));
        if (y.asSlice(yOff, count * rowBytes).asOverlappingSlice(table.asSlice(tOff, rows * rowBytes)).isPresent()) {
            throw new IllegalArgumentException("Gather output overlaps its table");
        }
        int tasks = count * rowBytes < (1 << 16) ? 1 : TaskRanges.tasks(count, threads);
        IntraOpPool.shared().parallelFor(threads, tasks, t -> {
            for (long k = TaskRanges.start(count, tasks, t); k < TaskRanges.start(count, tasks, t + 1); k++) {
                long i = indexBytes == 8 ? indices.get(ValueLayout.JAVA_LONG_UNALIGNED, iOff + 8 * k)
                        : indices.get(ValueLayout.JAVA_INT_UNALIGNED, iOff + 4 * k);
                if (i < -rows || i >= rows) {
                    throw new IllegalArgumentException("indices[" + k + "] = " + i + " is out of range [" + -rows + ", "
                            + rows + ")");
                }
                if (i < 0) i += rows;
                MemorySegment.copy(table, tOff + i * rowBytes, y, yOff + k * rowBytes, rowBytes);
            }
        });
    }

    private static void checkRange(String what, MemorySegment s, long off, long bytes) {
        if (off < 0 || off > s.byteSize() - bytes) {
            throw new IllegalArgumentException("Gather " + what + " needs " + bytes + " bytes from offset " + off
                    + ", but its segment holds " + s.byteSize());
        }
    }
}
