package io.jengine.cpu.nativelib;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.util.Map;

/**
 * The OpenMP wait policy the engine wants, set in the process environment before libgomp loads (libgomp reads its
 * environment once, when it is loaded).
 *
 * <p>By default libgomp's idle workers spin for a while after each parallel region. Here the engine's own Java kernels
 * run between oneDNN's calls, on the same cores and through the engine's own thread pool, and spinning OpenMP workers
 * would take those cores from them: 2-thread runs of convolution networks were slower than 1-thread ones. A passive
 * policy puts the workers to sleep at once. A user who set {@code OMP_WAIT_POLICY} or {@code GOMP_SPINCOUNT} keeps
 * their choice.
 */
final class OpenMpEnvironment {
    private OpenMpEnvironment() {}

    static final String POLICY = "OMP_WAIT_POLICY";
    static final String SPIN_COUNT = "GOMP_SPINCOUNT";

    /** Sets {@code OMP_WAIT_POLICY=PASSIVE} unless the user chose a policy; returns what it did, for --verbose. */
    static String preferPassiveWaiting(Map<String, String> env) {
        if (env.containsKey(POLICY) || env.containsKey(SPIN_COUNT)) {
            return "OpenMP wait policy left as the environment sets it";
        }
        try (Arena arena = Arena.ofConfined()) {
            Linker linker = Linker.nativeLinker();
            MemorySegment setenv = linker.defaultLookup().find("setenv")
                    .orElseThrow(() -> new IllegalStateException("libc has no setenv"));
            MethodHandle h = linker.downcallHandle(setenv, FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_INT));
            int rc = (int) h.invokeExact(arena.allocateFrom(POLICY), arena.allocateFrom("PASSIVE"), 0);
            return rc == 0 ? "OpenMP workers wait passively" : "setenv(" + POLICY + ") failed: " + rc;
        } catch (Throwable t) {
            return "OpenMP wait policy unchanged: " + t.getMessage();
        }
    }
}
