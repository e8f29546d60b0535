package io.jengine.tensor;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.atomic.LongAdder;

/**
 * Where {@link Tensor#allocate} gets native memory, and the count of what is still held: every block is freed with its
 * automatic arena once unreachable, and counted off then. {@link #liveBytes()} after a collection (and its cleaners)
 * is what tensors still hold: the figure a leak check watches, where resident memory also shows what the C allocator
 * keeps after frees.
 */
final class NativeTensorMemory {
    private static final LongAdder LIVE = new LongAdder();
    /**
     * Blocks from this size up are mapped pages ({@link MappedMemory}), returned to the system when freed: glibc's
     * own mmap threshold before it starts raising it.
     */
    static final long MAPPED_BYTES = 128 * 1024;

    private NativeTensorMemory() {}

    /** {@code bytes} (at least 1) of native memory, 64-byte aligned, zeroed or not, freed when unreachable. */
    static MemorySegment allocate(long bytes, boolean zeroed) { return allocate(bytes, zeroed, false); }

    /**
     * As {@link #allocate(long, boolean)}; a {@code recycled} block (one request's) always comes from the C
     * allocator, which recycles freed blocks instead of faulting in fresh pages.
     */
    static MemorySegment allocate(long bytes, boolean zeroed, boolean recycled) {
        Arena arena = Arena.ofAuto();
        MemorySegment m = !recycled && bytes >= MAPPED_BYTES && MappedMemory.available()
                ? MappedMemory.allocate(bytes, arena)
                : zeroed ? arena.allocate(bytes, Tensor.ALIGNMENT)
                : UninitializedMemory.allocate(bytes, Tensor.ALIGNMENT, arena);
        LIVE.add(bytes);
        // A second cleanup on the same arena: it runs when the arena's memory is freed.
        return m.reinterpret(bytes, arena, s -> LIVE.add(-bytes));
    }

    /** Native bytes held by tensors (and small-tensor slabs) not yet freed. */
    static long liveBytes() { return LIVE.sum(); }
}
