package io.jengine.spi;

import java.lang.foreign.MemorySegment;

/**
 * The {@link PackedPart}s a plan file holds, by layer: what {@link NodeContext#stored} looks in.
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
}
