package io.jengine.tune.measure;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class BackgroundCpuTest {
    /** On HotSpot the probe works, and a JVM whose threads sleep shows (nearly) none of a core in its own threads. */
    @Test
    void anIdleJvmShowsLittleBackgroundCpu() throws InterruptedException {
        assertTrue(BackgroundCpu.available(), "HotSpot publishes process and thread CPU time");
        Thread.sleep(300); // let the compilations of the test's start-up end
        double least = Double.POSITIVE_INFINITY;
        for (int attempt = 0; attempt < 5; attempt++) { // a GC or a late compilation may fall into one window
            long w0 = System.nanoTime(), b0 = BackgroundCpu.nanos();
            Thread.sleep(100);
            long w1 = System.nanoTime(), b1 = BackgroundCpu.nanos();
            least = Math.min(least, (double) (b1 - b0) / (w1 - w0));
        }
        assertTrue(least < 0.3, "fraction of a core outside the Java threads while idle: " + least);
    }

    /** Work in a Java thread is that thread's, not background: the probe does not read a busy kernel as the compiler. */
    @Test
    void workInJavaThreadsIsNotBackground() {
        double sink = 0;
        for (int i = 0; i < 2_000_000; i++) sink += Math.sqrt(i); // compiled before the window
        double least = Double.POSITIVE_INFINITY;
        for (int attempt = 0; attempt < 5; attempt++) {
            long w0 = System.nanoTime(), b0 = BackgroundCpu.nanos();
            while (System.nanoTime() - w0 < 100_000_000L) {
                for (int i = 0; i < 100_000; i++) sink += Math.sqrt(i);
            }
            long w1 = System.nanoTime(), b1 = BackgroundCpu.nanos();
            least = Math.min(least, (double) (b1 - b0) / (w1 - w0));
        }
        assertTrue(sink > 0);
        assertTrue(least < 0.3, "fraction of a core outside the Java threads while one Java thread computes: " + least);
    }
}
