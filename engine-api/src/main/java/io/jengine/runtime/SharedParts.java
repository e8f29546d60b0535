package io.jengine.runtime;

import io.jengine.spi.PackedStore;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The packed parts of an engine that plans again for each input shape (a plan with a batch profile, a model with open
 * dimensions): a plan file's parts first, then those the engine's own plans derived, so that the plan for a new batch
 * size takes the reordered weights the earlier ones made instead of deriving its own. The reorders were most of the
 * time of planning a shape (ResNet-18: oneDNN's reorders and the Winograd transforms), and each plan kept a copy of
 * every layer's weights. Parts are shared only in the same form (library, kernel, layout), which oneDNN keeps across
 * batch sizes. Their memory belongs to this store and is freed when the engine, every kernel closed, closes it.
 */
final class SharedParts implements PackedStore, AutoCloseable {
    private record Key(String layer, String name, String form) {}

    private final PackedStore file;
    private final Arena arena = Arena.ofShared();
    private final ConcurrentHashMap<Key, MemorySegment> parts = new ConcurrentHashMap<>();

    SharedParts(PackedStore file) { this.file = file; }

    @Override
    public MemorySegment find(String layer, String name, String form) {
        MemorySegment stored = file.find(layer, name, form);
        return stored != null ? stored : parts.get(new Key(layer, name, form));
    }

    @Override
    public MemorySegment allocate(long bytes, long alignment) { return arena.allocate(bytes, alignment); }

    @Override
    public void offer(String layer, String name, String form, MemorySegment bytes) {
        // The first plan to derive a part keeps it for the others; a second one planning at the same time keeps its
        // own copy, freed with the store.
        parts.putIfAbsent(new Key(layer, name, form), bytes);
    }

    /** How many parts the engine's plans share. */
    int size() { return parts.size(); }

    @Override
    public void close() { arena.close(); }
}
