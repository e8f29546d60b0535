package io.jengine.cpu.simd.ops;

import io.jengine.spi.IntraOpPool;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;

/**
 * Fills a contiguous output of {@code outDims} from an input read at {@code base + sum idx[k] * inStrides[k]}
 * elements: the data movement under Transpose and Slice, for elements of any byte size. The walk is first collapsed
 * (output dims of 1 dropped, neighbours merged where the input steps through them as one longer dim), then takes the
 * fastest of three forms: contiguous input runs as bulk {@link MemorySegment#copy} calls; a 2-D blocked transpose of
 * tiles when the innermost output dim strides through the input but another dim is contiguous there (so each tile
 * reads and writes whole cache lines); otherwise element by element. Threaded over rows (or tiles).
 */
final class StridedCopy {
    private static final int TILE = 16;
    private static final long SERIAL_BYTES = 1 << 16;

    private final long[] dims, strides;
    private final long base, outSize, lowest, highest;
    private final int es;

    /** Strides may be negative (a backward slice): {@code base} is then the first element read, not the lowest. */
    StridedCopy(long[] outDims, long[] inStrides, long base, int elementSize) {
        if (elementSize <= 0) throw new IllegalArgumentException("element size must be positive, got " + elementSize);
        this.es = elementSize;
        this.base = base;
        long n = 1, down = 0, up = 0;
        long[] d = new long[outDims.length + 1], s = new long[outDims.length + 1];
        int k = 0;
        for (int i = 0; i < outDims.length; i++) {
            n = Math.multiplyExact(n, outDims[i]);
            if (outDims[i] == 0) continue;
            long reach = (outDims[i] - 1) * inStrides[i];
            if (reach < 0) down += reach; else up += reach;
            if (outDims[i] == 1) continue;
            if (k > 0 && s[k - 1] == inStrides[i] * outDims[i]) {
                d[k - 1] *= outDims[i];
                s[k - 1] = inStrides[i];
                continue;
            }
            d[k] = outDims[i];
            s[k] = inStrides[i];
            k++;
        }
        if (k == 0) {
            d[0] = 1;
            s[0] = 1;
            k = 1;
        }
        this.dims = Arrays.copyOf(d, k);
        this.strides = Arrays.copyOf(s, k);
        this.outSize = n;
        this.lowest = base + down;
        this.highest = base + up;
    }

    long outSize() { return outSize; }

    /** The collapsed output dims (for tests: how far a permutation or slice was simplified). */
    long[] collapsedDims() { return dims.clone(); }

    void run(MemorySegment x, long xOff, long xBytes, MemorySegment y, long yOff, int threads) {
        SegmentBounds.checkThreads(threads);
        if (outSize == 0) return;
        if (lowest < 0 || highest >= xBytes / es) {
            throw new IllegalArgumentException("the copy reads input elements " + lowest + " to " + highest
                    + ", but the input holds " + xBytes / es);
        }
        if (xOff < 0 || xOff > x.byteSize() - xBytes) {
            throw new IllegalArgumentException("input needs " + xBytes + " bytes from offset " + xOff
                    + ", but its segment holds " + x.byteSize());
        }
        if (yOff < 0 || yOff > y.byteSize() - outSize * es) {
            throw new IllegalArgumentException("output needs " + outSize * es + " bytes from offset " + yOff
                    + ", but its segment holds " + y.byteSize());
        }
        if (x.asSlice(xOff, xBytes).asOverlappingSlice(y.asSlice(yOff, outSize * es)).isPresent()) {
            throw new IllegalArgumentException("the output overlaps the input");
        }
        int last = dims.length - 1;
        int unitAxis = -1;
        for (int i = 0; i < last; i++) if (strides[i] == 1) unitAxis = i;
        long rows = outSize / dims[last];
        int t0 = threads;
        if (outSize * es < SERIAL_BYTES) t0 = 1;
        int th = t0;
        if (strides[last] == 1) {
            int tasks = TaskRanges.tasks(rows, th);
            IntraOpPool.shared().parallelFor(th, tasks, t -> {
                for (long r = TaskRanges.start(rows, tasks, t); r < TaskRanges.start(rows, tasks, t + 1); r++) {
                    MemorySegment.copy(x, xOff + es * (base + inOffset(r, last, -1)), y, yOff + es * r * dims[last],
                            es * dims[last]);
                }
            });
        } else if (unitAxis >= 0) {
            transposeTiles(x, xOff, y, yOff, th, unitAxis);
        } else {
            int tasks = TaskRanges.tasks(rows, th);
            IntraOpPool.shared().parallelFor(th, tasks, t -> {
                for (long r = TaskRanges.start(rows, tasks, t); r < TaskRanges.start(rows, tasks, t + 1); r++) {
                    long in = base + inOffset(r, last, -1), out = r * dims[last];
                    for (long j = 0; j < dims[last]; j++) move(x, xOff + es * (in + j * strides[last]), y, yOff + es * (out + j));
                }
            });
        }
    }

    /**
     * The input offset of row {@code r} of the output dims before {@code end}, skipping dim {@code skip} (which the
     * caller walks itself).
     */
    private long inOffset(long r, int end, int skip) {
        long off = 0;
        for (int i = end - 1; i >= 0; i--) {
            if (i == skip) continue;
            off += (r % dims[i]) * strides[i];
            r /= dims[i];
        }
        return off;
    }

    /**
     * Output dim {@code a} reads the input contiguously, the last output dim does not: copy TILE x TILE tiles of the
     * (a, last) plane, reading along a and writing along last, for every position of the other dims.
     */
    private void transposeTiles(MemorySegment x, long xOff, MemorySegment y, long yOff, int threads, int a) {
        int last = dims.length - 1;
        long na = dims[a], nb = dims[last], sb = strides[last];
        long outStrideA = 1;
        for (int i = a + 1; i < dims.length; i++) outStrideA *= dims[i];
        long others = outSize / (na * nb), aTiles = Math.ceilDiv(na, TILE), units = others * aTiles;
        long outA = outStrideA;
        int tasks = TaskRanges.tasks(units, threads);
        IntraOpPool.shared().parallelFor(threads, tasks, t -> {
            for (long u = TaskRanges.start(units, tasks, t); u < TaskRanges.start(units, tasks, t + 1); u++) {
                long o = u / aTiles, a0 = (u % aTiles) * TILE, a1 = Math.min(na, a0 + TILE);
                long in = base, out = 0, rest = o;
                for (int i = last - 1; i >= 0; i--) {
                    if (i == a) continue;
                    long idx = rest % dims[i];
                    rest /= dims[i];
                    in += idx * strides[i];
                    long os = 1;
                    for (int k = i + 1; k < dims.length; k++) os *= dims[k];
                    out += idx * os;
                }
                for (long b0 = 0; b0 < nb; b0 += TILE) {
                    long b1 = Math.min(nb, b0 + TILE);
                    for (long ai = a0; ai < a1; ai++) {
                        long src = in + ai, dst = out + ai * outA;
                        for (long b = b0; b < b1; b++) move(x, xOff + es * (src + b * sb), y, yOff + es * (dst + b));
                    }
                }
            }
        });
    }

    private void move(MemorySegment x, long from, MemorySegment y, long to) {
        switch (es) {
            case 1 -> y.set(ValueLayout.JAVA_BYTE, to, x.get(ValueLayout.JAVA_BYTE, from));
            case 2 -> y.set(ValueLayout.JAVA_SHORT_UNALIGNED, to, x.get(ValueLayout.JAVA_SHORT_UNALIGNED, from));
            case 4 -> y.set(ValueLayout.JAVA_INT_UNALIGNED, to, x.get(ValueLayout.JAVA_INT_UNALIGNED, from));
            case 8 -> y.set(ValueLayout.JAVA_LONG_UNALIGNED, to, x.get(ValueLayout.JAVA_LONG_UNALIGNED, from));
            default -> MemorySegment.copy(x, from, y, to, es);
        }
    }
}
