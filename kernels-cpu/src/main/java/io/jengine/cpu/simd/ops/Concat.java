package io.jengine.cpu.simd.ops;

import io.jengine.spi.IntraOpPool;
import io.jengine.tensor.Shapes;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;

/**
 * Concat of dense tensors of any element size along one axis, prepared once for their shapes: for each position of
 * the axes before it, every input contributes one contiguous run (its axis length times the inner size), moved with
 * one {@link MemorySegment#copy}. Threaded over those outer positions.
 */
public final class Concat {
    private final long[] outShape, runBytes, inBytes;
    private final long outer, outRowBytes;

    /** {@code axis} may be negative (counted from the end); all shapes must agree off the axis. */
    public Concat(long[][] shapes, long axis, int elementSize) {
        if (shapes.length == 0) throw new IllegalArgumentException("Concat needs at least one input");
        if (elementSize <= 0) throw new IllegalArgumentException("element size must be positive, got " + elementSize);
        int rank = shapes[0].length;
        if (axis < -rank || axis >= rank) throw new IllegalArgumentException("axis " + axis + " is out of range for rank " + rank);
        int ax = (int) (axis < 0 ? axis + rank : axis);
        long[] out = shapes[0].clone();
        out[ax] = 0;
        for (long[] s : shapes) {
            for (int d = 0; d < rank; d++) {
                if (s.length != rank || d != ax && s[d] != shapes[0][d]) {
                    throw new IllegalArgumentException("Concat inputs must agree off axis " + ax + ", got "
                            + Shapes.format(shapes[0]) + " and " + Shapes.format(s));
                }
            }
            out[ax] += s[ax];
        }
        long inner = Shapes.size(Arrays.copyOfRange(out, ax + 1, rank));
        this.outer = Shapes.size(Arrays.copyOfRange(out, 0, ax));
        this.runBytes = new long[shapes.length];
        this.inBytes = new long[shapes.length];
        for (int i = 0; i < shapes.length; i++) {
            runBytes[i] = shapes[i][ax] * inner * elementSize;
            inBytes[i] = Shapes.size(shapes[i]) * elementSize;
        }
        this.outRowBytes = out[ax] * inner * elementSize;
        this.outShape = out;
    }

    public long[] outShape() { return outShape.clone(); }

    /** Input i from byte {@code inOff[i]} of {@code in[i]}; the output from byte yOff of y, overlapping no input. */
    public void run(MemorySegment[] in, long[] inOff, MemorySegment y, long yOff, int threads) {
        if (in.length != runBytes.length || inOff.length != runBytes.length) {
            throw new IllegalArgumentException("Concat was prepared for " + runBytes.length + " inputs, got "
                    + in.length + " segments and " + inOff.length + " offsets");
        }
        long outBytes = outer * outRowBytes;
        if (yOff < 0 || yOff > y.byteSize() - outBytes) {
            throw new IllegalArgumentException("Concat output needs " + outBytes + " bytes from offset " + yOff
                    + ", but its segment holds " + y.byteSize());
        }
        for (int i = 0; i < in.length; i++) {
            if (inOff[i] < 0 || inOff[i] > in[i].byteSize() - inBytes[i]) {
                throw new IllegalArgumentException("Concat input " + i + " needs " + inBytes[i] + " bytes from offset "
                        + inOff[i] + ", but its segment holds " + in[i].byteSize());
            }
            if (in[i].asSlice(inOff[i], inBytes[i]).asOverlappingSlice(y.asSlice(yOff, outBytes)).isPresent()) {
                throw new IllegalArgumentException("Concat output overlaps input " + i);
            }
        }
        if (outBytes == 0) return;
        int tasks = outBytes < (1 << 16) ? 1 : TaskRanges.tasks(outer, threads);
        IntraOpPool.shared().parallelFor(threads, tasks, t -> {
            for (long o = TaskRanges.start(outer, tasks, t); o < TaskRanges.start(outer, tasks, t + 1); o++) {
                long at = yOff + o * outRowBytes;
                for (int i = 0; i < in.length; i++) {
                    MemorySegment.copy(in[i], inOff[i] + o * runBytes[i], y, at, runBytes[i]);
                    at += runBytes[i];
                }
            }
        });
    }
}
