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
 * <p>An idle libgomp worker spins for {@code GOMP_SPINCOUNT} iterations, then sleeps on a futex. Waking a sleeping
 * worker is slow where the cores are virtual: on a 2-vCPU cloud machine a worker asleep took 40-90 µs (median) and
 * 130-290 µs (p90) to start a region, against 1-3 µs for one still spinning, and a caller that finishes its share
 * first and falls asleep at the region's closing barrier pays a second wake-up. A 2-thread inference runs over a
 * hundred regions (each oneDNN primitive and each pool call of the engine's own kernels), so those wake-ups decide its
 * tail: with {@value #SPIN} iterations (about 0.3-1 ms here, while the default 300,000 is several milliseconds) a
 * 2-thread efficientnet_b0 made 5x fewer context switches than with 3,000 (12k against 65k in 3,300 runs), with p90
 * 18.2 ms against 24.8 and p99 30 against 62; ResNet-50's regions are longer and it moved within the noise.
 *
 * <p>The spin stays far below libgomp's default because it is time a core is held after the last inference, taken
 * from whatever the process does next. Where more OpenMP threads than cores exist (several threads calling oneDNN at
 * once, each with a team of its own) libgomp spins only 100 iterations whatever this says. Before the pool ran on
 * OpenMP's own threads ({@link OpenMpTeam}) a long spin also took the cores from the engine's Java workers (2-thread
 * efficientnet_b0 slower than 1-thread); that contention is gone. A user who set {@code OMP_WAIT_POLICY} or
 * {@code GOMP_SPINCOUNT} keeps their choice.
 */
final class OpenMpEnvironment {
    private OpenMpEnvironment() {}

    static final String POLICY = "OMP_WAIT_POLICY";
    static final String SPIN_COUNT = "GOMP_SPINCOUNT";
    static final String SPIN = "30000";

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
