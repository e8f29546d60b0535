package io.jengine.tensor;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/**
 * Large tensor blocks straight from the kernel ({@code mmap} of anonymous pages, {@code munmap} when freed), on Linux
 * (x86-64 and AArch64).
 * The C allocator keeps the pages of freed blocks for reuse, and its threshold for handing large blocks to mmap rises
 * after the first one is freed: a server that loads and unloads models, whose weights are freed only when a
 * collection finds them unreachable, then keeps the high-water mark of several models' weights resident. Mapped pages
 * go back to the system as soon as a block is freed, and come zeroed, so a zeroed block costs no pass over it.
 */
final class MappedMemory {
    private static final int PROT_READ = 1, PROT_WRITE = 2, MAP_PRIVATE = 2, MAP_ANONYMOUS = 0x20;
    private static final MethodHandle MMAP, MUNMAP, MADVISE;

    static {
        MethodHandle map = null, unmap = null;
        // The flag values above are those of Linux on x86-64 and AArch64.
        String arch = System.getProperty("os.arch", "");
        if (System.getProperty("os.name", "").startsWith("Linux")
                && (arch.equals("amd64") || arch.equals("x86_64") || arch.equals("aarch64"))) {
            map = Libc.find("mmap", FunctionDescriptor.of(ValueLayout.ADDRESS, ValueLayout.ADDRESS,
                    ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT,
                    ValueLayout.JAVA_LONG));
            unmap = Libc.find("munmap", FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS,
                    ValueLayout.JAVA_LONG));
        }
        MADVISE = map == null ? null : Libc.find("madvise", FunctionDescriptor.of(ValueLayout.JAVA_INT,
                ValueLayout.ADDRESS, ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT));
        MMAP = unmap == null ? null : map;
        MUNMAP = map == null ? null : unmap;
    }

    private MappedMemory() {}

    /**
     * Blocks from this size up are offered transparent huge pages ({@code madvise(MADV_HUGEPAGE)}; the usual system
     * setting gives them only where asked): a fresh 4 KiB page costs a fault, and faulting in a model's weights page by
     * page was a third of importing ResNet-50 (0.71 s, 0.55 s with huge pages).
     */
    private static final long HUGE_BYTES = 2L << 20;
    private static final int MADV_HUGEPAGE = 14;

    static boolean available() { return MMAP != null; }

    /**
     * {@code bytes} (positive) of zeroed, page-aligned memory, unmapped when {@code arena} frees it.
     *
     * @throws OutOfMemoryError where the system refuses the mapping
     */
    static MemorySegment allocate(long bytes, Arena arena) {
        MemorySegment address;
        try {
            address = (MemorySegment) MMAP.invokeExact(MemorySegment.NULL, bytes, PROT_READ | PROT_WRITE,
                    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0L);
        } catch (Throwable t) {
            throw new IllegalStateException("mmap failed", t);
        }
        if (address.address() == -1L || address.address() == 0L) {
            throw new OutOfMemoryError("mmap of " + bytes + " bytes failed");
        }
        if (bytes >= HUGE_BYTES && MADVISE != null) {
            try {
                int ignored = (int) MADVISE.invokeExact(address, bytes, MADV_HUGEPAGE);
            } catch (Throwable t) {
                // only a hint: a kernel without huge pages refuses it, and the block works the same
            }
        }
        return address.reinterpret(bytes, arena, m -> unmap(m, bytes));
    }

    private static void unmap(MemorySegment m, long bytes) {
        try {
            int rc = (int) MUNMAP.invokeExact(m, bytes);
            if (rc != 0) throw new IllegalStateException("munmap of " + bytes + " bytes failed");
        } catch (Throwable t) {
            throw new IllegalStateException("munmap failed", t);
        }
    }
}
