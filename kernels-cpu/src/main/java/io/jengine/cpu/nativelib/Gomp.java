package io.jengine.cpu.nativelib;

import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.FunctionDescriptor;
import java.lang.invoke.MethodHandle;

/**
 * The two OpenMP runtime functions oneDNN's thread count depends on, from the libgomp.so.1 libdnnl.so.3 is bound to.
 *
 * <p>OpenMP's thread count (the nthreads-var ICV) belongs to the calling thread: {@link #omp_set_num_threads} on one
 * Java thread does not change another's, so a caller sets it right before each oneDNN call on the same thread.
 */
public final class Gomp {
    private Gomp() {}

    private static final MethodHandle SET_NUM_THREADS = handle("omp_set_num_threads",
            FunctionDescriptor.ofVoid(JAVA_INT));
    private static final MethodHandle GET_MAX_THREADS = handle("omp_get_max_threads", FunctionDescriptor.of(JAVA_INT));

    private static MethodHandle handle(String name, FunctionDescriptor fd) {
        return Downcalls.find(NativeLibraries.dnnl(), NativeLibraries::dnnlStatus, name, fd);
    }

    /** {@code void omp_set_num_threads(int)}: the thread count of the calling thread's next parallel regions. */
    public static void omp_set_num_threads(int threads) {
        if (threads <= 0) throw new IllegalArgumentException("threads must be > 0, got " + threads);
        try {
            SET_NUM_THREADS.invokeExact(threads);
        } catch (Throwable t) {
            throw Downcalls.rethrow(t);
        }
    }

    /** {@code int omp_get_max_threads(void)}: how many threads the calling thread's next parallel region gets. */
    public static int omp_get_max_threads() {
        try {
            return (int) GET_MAX_THREADS.invokeExact();
        } catch (Throwable t) {
            throw Downcalls.rethrow(t);
        }
    }
}
