package io.jengine.cpu.nativelib;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jengine.spi.IntraOpPool;
import io.jengine.verify.ProcessStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The engine's pool running on oneDNN's OpenMP threads ({@link OpenMpTeam}), lent once oneDNN loads. */
class OpenMpTeamTest {
    private final IntraOpPool pool = IntraOpPool.shared();

    @BeforeEach
    void teamLent() {
        NativeAssumptions.assumeDnnl();
        assertInstanceOf(OpenMpTeam.class, pool.team(), NativeLibraries.dnnlStatus());
        assertTrue(NativeLibraries.dnnlStatus().contains("runs on its OpenMP threads"), NativeLibraries.dnnlStatus());
    }

    @Test
    void everyTaskRunsExactlyOnceAtAnyThreadCount() {
        for (int threads : new int[] {1, 2, 3, 8}) {
            for (int tasks : new int[] {1, 2, 7, 100, 1000}) {
                AtomicIntegerArray runs = new AtomicIntegerArray(tasks);
                pool.parallelFor(threads, tasks, runs::incrementAndGet);
                for (int t = 0; t < tasks; t++) assertEquals(1, runs.get(t), "task " + t + " at " + threads + " threads");
            }
        }
        assertNull(OpenMpTeam.lastFailure());
    }

    @Test
    void tasksRunOnOpenMpThreadsAndNoMoreThanAskedFor() {
        Set<Thread> seen = ConcurrentHashMap.newKeySet();
        pool.parallelFor(1, 200, t -> seen.add(Thread.currentThread()));
        assertEquals(Set.of(Thread.currentThread()), seen);
        int width = Math.min(2, pool.cores());
        for (int attempt = 0; attempt < 50 && seen.size() < width; attempt++) {
            seen.clear();
            pool.parallelFor(2, 2000, t -> {
                seen.add(Thread.currentThread());
                for (int i = 0; i < 200; i++) Thread.onSpinWait();
            });
        }
        assertEquals(width, seen.size(), seen.toString());
        for (Thread t : seen) {
            assertFalse(t.getName().startsWith("jengine-intra-op-"), "the pool's own worker took part: " + t);
        }
    }

    @Test
    void aTaskFailureReachesTheCallerAndTheTeamStaysUsable() {
        AtomicIntegerArray runs = new AtomicIntegerArray(50);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> pool.parallelFor(2, 50, t -> {
            runs.incrementAndGet(t);
            if (t == 17) throw new IllegalStateException("task 17 failed");
        }));
        assertEquals("task 17 failed", e.getMessage());
        assertEquals(1, runs.get(17));
        // after a failure the tasks left are skipped: none runs twice
        for (int t = 0; t < 50; t++) assertTrue(runs.get(t) <= 1, "task " + t + " ran " + runs.get(t) + " times");
        AssertionError a = assertThrows(AssertionError.class, () -> pool.parallelFor(2, 8, t -> {
            if (t == 3) throw new AssertionError("an Error too");
        }));
        assertEquals("an Error too", a.getMessage());
        AtomicIntegerArray again = new AtomicIntegerArray(10);
        pool.parallelFor(2, 10, again::incrementAndGet);
        for (int t = 0; t < 10; t++) assertEquals(1, again.get(t));
        assertNull(OpenMpTeam.lastFailure(), "nothing escaped a task's own handling");
    }

    @Test
    void aCallFromInsideARegionIsRefusedTheTeamAndRunsOnThePool() {
        AtomicBoolean refused = new AtomicBoolean();
        long[] inner = new long[4];
        pool.parallelFor(2, 4, outer -> {
            if (outer == 0) refused.set(!pool.team().run(2, () -> { }));
            long[] parts = new long[32];
            pool.parallelFor(2, 32, t -> parts[t] = (long) t * outer);
            long s = 0;
            for (long p : parts) s += p;
            inner[outer] = s;
        });
        assertTrue(refused.get(), "the team is busy while its region runs");
        for (int outer = 0; outer < 4; outer++) assertEquals(496L * outer, inner[outer]);
    }

    @Test
    void concurrentCallersEachGetEveryTaskOnce() throws Exception {
        try (ExecutorService callers = Executors.newFixedThreadPool(4)) {
            List<Future<Long>> sums = new ArrayList<>();
            for (int c = 0; c < 64; c++) {
                sums.add(callers.submit(() -> {
                    long[] parts = new long[64];
                    pool.parallelFor(2, 64, t -> parts[t] += (long) t * t);
                    long s = 0;
                    for (long p : parts) s += p;
                    return s;
                }));
            }
            for (Future<Long> f : sums) assertEquals(85344L, f.get());
        }
    }

    @Test
    void shortLivedCallersLeaveNoThreadsBehind() throws Exception {
        // OpenMP gives each calling thread a team of its own, attached to the JVM by the upcall: a server whose
        // request threads come and go must not keep a team per thread it ever had
        Runnable call = () -> {
            long[] parts = new long[64];
            pool.parallelFor(2, 64, t -> parts[t] += t);
        };
        Thread warm = new Thread(call);
        warm.start();
        warm.join();
        long before = ProcessStatus.threads();
        for (int i = 0; i < 100; i++) {
            Thread t = new Thread(call);
            t.start();
            t.join();
        }
        long after = ProcessStatus.threads();
        for (int wait = 0; wait < 50 && after > before + 2; wait++) {
            Thread.sleep(20);
            after = ProcessStatus.threads();
        }
        assertTrue(after <= before + 2, "threads of the process: " + before + " before 100 callers, " + after + " after");
    }

    @Test
    void aWarmCallAllocatesNothingOnTheCallingThread() {
        var threadBean = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        long[] sink = new long[8];
        java.util.function.IntConsumer body = t -> sink[t] += t;
        for (int i = 0; i < 20_000; i++) pool.parallelFor(2, 8, body);
        long before = threadBean.getCurrentThreadAllocatedBytes();
        int calls = 2000;
        for (int i = 0; i < calls; i++) pool.parallelFor(2, 8, body);
        long perCall = (threadBean.getCurrentThreadAllocatedBytes() - before) / calls;
        assertTrue(perCall < 16, perCall + " bytes per call");
    }
}
