package io.jengine.cpu.nativelib;

import static java.lang.foreign.ValueLayout.ADDRESS;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.function.ToIntFunction;

/**
 * oneDNN objects owned together and destroyed together, last created first. Creating through here means a failure
 * halfway through building a primitive leaks nothing: the caller closes what was made so far and rethrows.
 */
final class DnnlHandles implements AutoCloseable {
    private record Owned(MemorySegment handle, ToIntFunction<MemorySegment> destroy, String call) {}

    private final Deque<Owned> owned = new ArrayDeque<>();

    /** Something that fills a {@code T *} out-parameter and returns a {@code dnnl_status_t}. */
    @FunctionalInterface
    interface Creator {
        int create(MemorySegment out);
    }

    /** Calls {@code creator} with a fresh out-parameter, checks its status, owns and returns the handle it made. */
    MemorySegment create(String call, Creator creator, ToIntFunction<MemorySegment> destroy, String destroyCall,
                         String context) {
        MemorySegment handle;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(ADDRESS);
            DnnlStatus.check(creator.create(out), call, context);
            handle = out.get(ADDRESS, 0);
        }
        owned.push(new Owned(handle, destroy, destroyCall));
        return handle;
    }

    /** Destroys everything owned, newest first; the first failure is thrown after all were tried. */
    @Override
    public void close() {
        NativeCallException first = null;
        while (!owned.isEmpty()) {
            Owned o = owned.pop();
            int status = o.destroy().applyAsInt(o.handle());
            if (status != DnnlStatus.SUCCESS && first == null) {
                first = new NativeCallException("oneDNN", o.call(), status, DnnlStatus.name(status), null);
            }
        }
        if (first != null) throw first;
    }
}
