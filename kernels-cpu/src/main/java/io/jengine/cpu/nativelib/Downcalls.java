package io.jengine.cpu.nativelib;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Makes the static downcall handles of the binding classes. When the library did not load, the handle still has the
 * function's exact type but throws {@link IllegalStateException} with the load failure's reason, so a binding class
 * always initialises and {@code invokeExact} call sites need no special case.
 */
final class Downcalls {
    private Downcalls() {}

    static MethodHandle find(Optional<NativeLibrary> library, Supplier<String> status, String name,
                             FunctionDescriptor descriptor) {
        MethodType type = descriptor.toMethodType();
        if (library.isEmpty()) return thrower(type, status.get());
        Optional<MemorySegment> address = library.get().symbols().find(name);
        if (address.isEmpty()) return thrower(type, library.get().name() + " has no symbol " + name);
        return Linker.nativeLinker().downcallHandle(address.get(), descriptor);
    }

    private static MethodHandle thrower(MethodType type, String message) {
        try {
            MethodHandle raise = MethodHandles.lookup().findStatic(Downcalls.class, "unavailable",
                    MethodType.methodType(Object.class, String.class));
            raise = MethodHandles.insertArguments(raise, 0, message);
            raise = MethodHandles.explicitCastArguments(raise, MethodType.methodType(type.returnType()));
            return MethodHandles.dropArguments(raise, 0, type.parameterList());
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
    }

    /** A fresh exception per call, so its stack trace shows the caller. */
    private static Object unavailable(String message) {
        throw new IllegalStateException(message);
    }

    /** Passes unchecked throwables through; a checked one cannot come out of a downcall, but is wrapped if it does. */
    static RuntimeException rethrow(Throwable t) {
        if (t instanceof RuntimeException r) throw r;
        if (t instanceof Error e) throw e;
        throw new IllegalStateException(t);
    }
}
