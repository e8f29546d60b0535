package io.jengine.cli.bench;

import io.jengine.runtime.Engine;
import io.jengine.runtime.Session;
import io.jengine.tensor.Tensor;
import java.lang.management.ManagementFactory;
import java.util.Map;

/**
 * What a warmed-up run allocates: heap bytes on the calling thread (ThreadMXBean) and native tensor bytes (outputs
 * handed back, and anything a kernel allocated instead of writing into the session's arena): the median over runs of
 * one session after two warm-up runs.
 *
 * @param heapBytesPerRun   heap bytes allocated by the calling thread per run, or -1 where the JVM cannot tell
 * @param nativeBytesPerRun native tensor bytes allocated per run
 * @param outputBytes       bytes of the outputs a run hands back (the native allocation a run cannot avoid)
 * @param memory            the memory plan the runs used (for the inputs' shapes)
 */
public record AllocationProbe(long heapBytesPerRun, long nativeBytesPerRun, long outputBytes, Engine.MemoryReport memory) {
    public static AllocationProbe measure(Engine engine, Map<String, Tensor> feeds, int runs) {
        com.sun.management.ThreadMXBean mx = ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean t
                ? t : null;
        try (Session s = engine.newSession()) {
            long out = 0;
            for (int i = 0; i < 2; i++) {
                out = 0;
                for (var v : s.run(feeds).values()) if (v instanceof Tensor t) out += t.byteSize();
            }
            // per run, then the median: a one-off (a lazily made view or a thread's first scratch) in one of the
            // session's first runs is not what every run costs
            long[] heap = new long[runs], nat = new long[runs];
            for (int i = 0; i < runs; i++) {
                long heap0 = mx == null ? 0 : mx.getCurrentThreadAllocatedBytes(), native0 = Tensor.allocatedBytes();
                s.run(feeds);
                heap[i] = mx == null ? -1 : mx.getCurrentThreadAllocatedBytes() - heap0;
                nat[i] = Tensor.allocatedBytes() - native0;
            }
            return new AllocationProbe(median(heap), median(nat), out, s.memoryReport());
        }
    }

    private static long median(long[] v) {
        long[] s = v.clone();
        java.util.Arrays.sort(s);
        return s[s.length / 2];
    }
}
