package io.jengine.tensor;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

/** The few C library functions tensor memory is taken with, linked through the FFM API where they exist. */
final class Libc {
    private Libc() {}

    /** A downcall to {@code name} with {@code descriptor}; null where the C library lacks it or it cannot be linked. */
    static MethodHandle find(String name, FunctionDescriptor descriptor) {
        try {
            Linker linker = Linker.nativeLinker();
            MemorySegment symbol = linker.defaultLookup().find(name).orElse(null);
            return symbol == null ? null : linker.downcallHandle(symbol, descriptor);
        } catch (RuntimeException | LinkageError unavailable) {
            return null;
        }
    }
}
