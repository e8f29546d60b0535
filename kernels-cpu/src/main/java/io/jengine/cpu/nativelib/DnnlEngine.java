package io.jengine.cpu.nativelib;

import static java.lang.foreign.ValueLayout.ADDRESS;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * The process's one oneDNN CPU engine, created on first use and kept for the JVM's life: every primitive and memory
 * object is tied to an engine, and one CPU engine serves all threads.
 */
final class DnnlEngine {
    private DnnlEngine() {}

    private static final class Holder {
        static final MemorySegment ENGINE = create();
    }

    /** The {@code dnnl_engine_t}; throws where oneDNN did not load or the engine could not be made. */
    static MemorySegment cpu() {
        return Holder.ENGINE;
    }

    private static MemorySegment create() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(ADDRESS);
            DnnlStatus.check(Dnnl.dnnl_engine_create(out, Dnnl.dnnl_cpu, 0), "dnnl_engine_create");
            return out.get(ADDRESS, 0);
        }
    }
}
