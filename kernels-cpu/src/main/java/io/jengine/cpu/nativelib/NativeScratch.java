package io.jengine.cpu.nativelib;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * Native memory each thread reuses for the duration of one native call (a primitive's activations in the layout
 * oneDNN chose). It only grows, to the largest request the thread has made, so a steady stream of runs allocates
 * nothing; a thread that ends leaves its block to the garbage collector.
 */
final class NativeScratch {
    private static final long ALIGNMENT = 64;
    private static final ThreadLocal<MemorySegment> MINE = new ThreadLocal<>();
    private static final ThreadLocal<MemorySegment> WORKSPACE = new ThreadLocal<>();

    private NativeScratch() {}

    /**
     * This thread's scratch, at least {@code bytes}, 64-byte aligned, valid until its next call here: the whole block,
     * the same segment object from call to call until it grows, so that a caller may keep slices of it.
     */
    static MemorySegment mine(long bytes) {
        return grow(MINE, bytes);
    }

    /**
     * A second block per thread, for a kernel's buffers that live across several native calls (a Winograd
     * convolution's transformed tiles around the matmul, whose own scratch is {@link #mine}); valid until the
     * thread's next call here.
     */
    static MemorySegment workspace(long bytes) {
        return grow(WORKSPACE, bytes).asSlice(0, bytes);
    }

    private static MemorySegment grow(ThreadLocal<MemorySegment> slot, long bytes) {
        SegmentChecks.nonNegative("scratch bytes", bytes);
        MemorySegment s = slot.get();
        if (s == null || s.byteSize() < bytes) {
            long size = Math.max(bytes, s == null ? 0 : s.byteSize() + s.byteSize() / 2);
            s = Arena.ofAuto().allocate(Math.max(size, ALIGNMENT), ALIGNMENT);
            slot.set(s);
        }
        return s;
    }

    /** {@code bytes} rounded up to the alignment, for laying several blocks out in one scratch segment. */
    static long aligned(long bytes) {
        return Math.addExact(bytes, ALIGNMENT - 1) & -ALIGNMENT;
    }
}
