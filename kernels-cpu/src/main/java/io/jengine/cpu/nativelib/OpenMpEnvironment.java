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
 * <p>By default libgomp's idle workers spin for 300,000 iterations after each parallel region. Here the engine's own
 * Java kernels run between oneDNN's calls, on the same cores and through the engine's own thread pool, and workers
 * spinning that long take those cores from them: 2-thread runs of efficientnet_b0 were slower than 1-thread ones. A
 * passive policy (sleep at once) costs a futex wake-up per parallel region instead, which adds up over a network of
 * small convolutions (each reorder and convolution is a region). A short spin, {@value #SPIN} iterations, keeps the
 * workers awake across one convolution's back-to-back regions and lets them sleep before the Java kernels need the
 * cores: at 2 threads, efficientnet_b0 ran in 41 ms against 53 passive and 68 with the default spin, mobilenet_v2 in
 * 18 against 27 and 21. A user who set {@code OMP_WAIT_POLICY} or {@code GOMP_SPINCOUNT} keeps their choice.
 *
 * <p>Since the pool runs on OpenMP's own threads ({@link OpenMpTeam}) the Java kernels no longer compete with spinning
 * workers; the short spin stays because a longer one takes cores from whatever the process does between inferences
 * (a 2-thread ResNet-50 beside ONNX Runtime in one process: the engine's median moved within the noise with 300,000
 * iterations, ONNX Runtime's runs in between got 2-10% slower).
 */
final class OpenMpEnvironment {
    private OpenMpEnvironment() {}

    static final String POLICY = "OMP_WAIT_POLICY";
    static final String SPIN_COUNT = "GOMP_SPINCOUNT";
    static final String SPIN = "3000";

    /** Sets a short {@code GOMP_SPINCOUNT} unless the user chose a policy; returns what it did, for --verbose. */
    static String preferShortSpinning(Map<String, String> env) {
        if (env.containsKey(POLICY) || env.containsKey(SPIN_COUNT)) {
            return "OpenMP wait policy left as the environment sets it";
        }
        try (Arena arena = Arena.ofConfined()) {
            Linker linker = Linker.nativeLinker();
            MemorySegment setenv = linker.defaultLookup().find("setenv")
                    .orElseThrow(() -> new IllegalStateException("libc has no setenv"));
            MethodHandle h = linker.downcallHandle(setenv, FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_INT));
            int rc = (int) h.invokeExact(arena.allocateFrom(SPIN_COUNT), arena.allocateFrom(SPIN), 0);
            return rc == 0 ? "idle OpenMP workers spin " + SPIN + " iterations, then sleep"
                    : "setenv(" + SPIN_COUNT + ") failed: " + rc;
        } catch (Throwable t) {
            return "OpenMP wait policy unchanged: " + t.getMessage();
        }
    }
}
