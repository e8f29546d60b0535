package io.jengine.tensor;

import java.lang.foreign.MemorySegment;

/**
 * Memory for small tensors (at most {@value #MAX_BYTES} bytes), cut from 64 KiB slabs that each thread fills in turn.
 * An automatic arena per tensor costs a cleaner registration each, and the JDK's one cleaner thread falls behind a
 * kernel that makes millions of small tensors (a Loop's iteration counters, scalars, shapes): unreachable arenas then
 * pile up, on the heap and natively, by hundreds of MB. A slab is one arena; a slice keeps its slab alive, and the slab
 * is freed once every slice cut from it is unreachable. Slices are handed out once, from zeroed memory, 64-byte
 * aligned as every tensor is. Platform threads only ({@link Tensor} allocates apart on a virtual thread, which is often
 * made for one task and would leave most of its slab unused).
 */
final class SmallAllocations {
    static final long MAX_BYTES = 1024;
    private static final long SLAB_BYTES = 64 * 1024;
    private static final ThreadLocal<Slab> CURRENT = new ThreadLocal<>();

    private static final class Slab {
        final MemorySegment memory = NativeTensorMemory.allocate(SLAB_BYTES, true);
        long next;
    }

    private SmallAllocations() {}

    /** {@code bytes} (at most {@link #MAX_BYTES}) of zeroed memory, aligned to {@link Tensor#ALIGNMENT}. */
    static MemorySegment allocate(long bytes) {
        long taken = (Math.max(bytes, 1) + Tensor.ALIGNMENT - 1) & -Tensor.ALIGNMENT;
        Slab slab = CURRENT.get();
        if (slab == null || slab.next + taken > SLAB_BYTES) {
            slab = new Slab();
            CURRENT.set(slab);
        }
        MemorySegment m = slab.memory.asSlice(slab.next, bytes);
        slab.next += taken;
        return m;
    }
}
