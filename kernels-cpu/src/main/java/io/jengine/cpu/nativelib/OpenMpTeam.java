package io.jengine.cpu.nativelib;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import io.jengine.spi.IntraOpPool;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * oneDNN's OpenMP threads lent to the engine's {@link IntraOpPool}: a pool call becomes one OpenMP parallel region
 * ({@code GOMP_parallel}, what {@code #pragma omp parallel} compiles to) whose threads call back into Java through an
 * FFM upcall and take the call's tasks.
 *
 * <p>Why: with oneDNN's threads and the pool's own beside each other, a 2-thread ResNet-50 switches between the two
 * sets about fifty times per inference (each Winograd layer's transforms and products run on the pool, the direct
 * convolutions on OpenMP), and each switch waits for the other set's sleeping thread to wake. One set of threads, kept
 * awake between regions by OpenMP's spin ({@link OpenMpEnvironment}), takes that wait away.
 *
 * <p>One region at a time: OpenMP gives every calling thread a team of its own, so concurrent callers would each bring
 * {@code threads - 1} more threads onto the same cores. A caller that finds the team in use is refused and its call
 * goes to the pool's own workers, as before. A call from inside a region (a task that itself splits work) is refused
 * the same way.
 */
final class OpenMpTeam implements IntraOpPool.Team {
    private static final AtomicBoolean BUSY = new AtomicBoolean();
    /** The body of the region in progress; set before GOMP_parallel, read by every thread of the region. */
    private static volatile Runnable current;
    /** What a region's body threw past its own handling; null in normal use. */
    private static volatile Throwable failure;

    private final MethodHandle parallel;
    private final MemorySegment region;

    private OpenMpTeam(MethodHandle parallel, MemorySegment region) {
        this.parallel = parallel;
        this.region = region;
    }

    /** The team of the libgomp {@code symbols} find ({@code GOMP_parallel}, in libgomp since GCC 4.9). */
    static OpenMpTeam of(SymbolLookup symbols) throws ReflectiveOperationException {
        Linker linker = Linker.nativeLinker();
        MemorySegment fn = symbols.find("GOMP_parallel")
                .orElseThrow(() -> new IllegalStateException("libgomp has no GOMP_parallel"));
        // void GOMP_parallel(void (*fn)(void *), void *data, unsigned num_threads, unsigned flags)
        MethodHandle parallel = linker.downcallHandle(fn, FunctionDescriptor.ofVoid(ADDRESS, ADDRESS, JAVA_INT,
                JAVA_INT));
        MethodHandle body = MethodHandles.lookup().findStatic(OpenMpTeam.class, "regionBody",
                MethodType.methodType(void.class, MemorySegment.class));
        MemorySegment region = linker.upcallStub(body, FunctionDescriptor.ofVoid(ADDRESS), Arena.global());
        return new OpenMpTeam(parallel, region);
    }

    @Override
    public boolean run(int threads, Runnable participant) {
        if (threads < 1) throw new IllegalArgumentException("threads must be > 0, got " + threads);
        if (!BUSY.compareAndSet(false, true)) return false;
        try {
            current = participant;
            parallel.invokeExact(region, MemorySegment.NULL, threads, 0);
            return true;
        } catch (Throwable t) {
            throw Downcalls.rethrow(t);
        } finally {
            current = null;
            BUSY.set(false);
        }
    }

    /**
     * Each thread of the region runs this. Nothing may leave an upcall by an exception (the JVM would end), so
     * whatever the body throws is kept for {@link #lastFailure} rather than thrown; the pool's tasks catch their own.
     */
    private static void regionBody(MemorySegment unused) {
        try {
            current.run();
        } catch (Throwable t) {
            failure = t;
        }
    }

    /** What a region's body last threw past its own handling (none in normal use), for tests and diagnosis. */
    static Throwable lastFailure() { return failure; }
}
