package io.jengine.tensor;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/**
 * Native memory handed out without zeroing it first, for buffers whose every byte is written before anything reads
 * it (weights copied from a model or plan file, reordered weights). {@link Arena#allocate} zeroes every byte, which
 * for the 100-400 MB a large model's weights pass through while a plan loads was its largest single cost; libc's
 * {@code posix_memalign} leaves fresh pages to the kernel's own zero-fill, touched once, by the copy.
 *
 * <p>The memory is freed when {@code arena} closes (for an automatic arena, once the segment is unreachable). Where
 * libc's functions cannot be found or linked (another platform) it falls back to {@link Arena#allocate}.
 */
public final class UninitializedMemory {
    private static final MethodHandle POSIX_MEMALIGN;
    private static final MethodHandle FREE;

    static {
        MethodHandle alloc = Libc.find("posix_memalign", FunctionDescriptor.of(ValueLayout.JAVA_INT,
                ValueLayout.ADDRESS, ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG));
        MethodHandle free = Libc.find("free", FunctionDescriptor.ofVoid(ValueLayout.ADDRESS));
        POSIX_MEMALIGN = free == null ? null : alloc;
        FREE = free;
    }

    private UninitializedMemory() {}

    /**
     * {@code bytes} of native memory aligned to {@code alignment} (a power of two, at least a pointer's size), its
     * contents undefined, freed with {@code arena}.
     *
     * @throws OutOfMemoryError where libc cannot provide it
     */
    public static MemorySegment allocate(long bytes, long alignment, Arena arena) {
        if (bytes < 0) throw new IllegalArgumentException("negative size " + bytes);
        if (alignment < 8 || Long.bitCount(alignment) != 1) {
            throw new IllegalArgumentException("alignment must be a power of two of at least 8, got " + alignment);
        }
        if (POSIX_MEMALIGN == null || bytes == 0) return arena.allocate(bytes, alignment);
        MemorySegment address;
        try (Arena temp = Arena.ofConfined()) {
            MemorySegment out = temp.allocate(ValueLayout.ADDRESS);
            int rc = (int) POSIX_MEMALIGN.invokeExact(out, alignment, bytes);
            if (rc != 0) throw new OutOfMemoryError("posix_memalign(" + alignment + ", " + bytes + ") failed: " + rc);
            address = out.get(ValueLayout.ADDRESS, 0);
        } catch (OutOfMemoryError e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("posix_memalign failed", t);
        }
        return address.reinterpret(bytes, arena, UninitializedMemory::free);
    }

    private static void free(MemorySegment m) {
        try {
            FREE.invokeExact(m);
        } catch (Throwable t) {
            throw new IllegalStateException("free failed", t);
        }
    }
}
