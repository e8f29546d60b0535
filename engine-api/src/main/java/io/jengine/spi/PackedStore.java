package io.jengine.spi;

import java.lang.foreign.MemorySegment;

/**
 * The {@link PackedPart}s a kernel may take instead of deriving them: those a plan file holds, by layer, and, in an
 * engine that plans again per input shape, those its earlier plans derived (what {@link NodeContext#stored} looks in).
 */
@FunctionalInterface
public interface PackedStore {
    /** No stored parts: every kernel derives its data (a model built from ONNX, a plan without parts). */
    PackedStore NONE = (layer, name, form) -> null;

    /**
     * The bytes stored for part {@code name} of {@code layer}'s kernel when they were derived in {@code form}, or null
     * (none stored, or stored in another form).
     */
    MemorySegment find(String layer, String name, String form);

    /**
     * Memory for a part a kernel derives now and then {@linkplain #offer offers}, zeroed, living as long as the store:
     * null where the store keeps nothing of its own (the kernel uses memory of its own, freed with it).
     */
    default MemorySegment allocate(long bytes, long alignment) { return null; }

    /**
     * Offers a part just derived to later plans of the same engine, which then {@linkplain #find find} it instead of
     * deriving it again. {@code bytes} must stay valid while the store lives: memory from {@link #allocate}, or
     * memory the garbage collector frees; it is only read from now on. A store that keeps nothing ignores it.
     */
    default void offer(String layer, String name, String form, MemorySegment bytes) {}
}
