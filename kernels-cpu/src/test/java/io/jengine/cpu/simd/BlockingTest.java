package io.jengine.cpu.simd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jengine.spi.CacheSizes;
import org.junit.jupiter.api.Test;

/** The GEMM's cache blocks follow the cache sizes. */
class BlockingTest {
    @Test
    void blockingFitsTheCaches() {
        Blocking b = Blocking.forCaches(new CacheSizes(32 << 10, 512 << 10, 32 << 20, "test"));
        assertEquals(MicroKernel.MR, b.mr());
        assertEquals(MicroKernel.NR, b.nr());
        assertTrue(4L * b.kc() * b.nr() <= 16 << 10, "B micro-panel within half of L1: " + b);
        assertTrue(4L * b.kc() * b.mc() <= 256 << 10, "A block within half of L2: " + b);
        assertEquals(0, b.mc() % b.mr());
        assertEquals(0, b.nc() % b.nr());
        assertEquals(192, new Blocking(MicroKernel.MR, MicroKernel.NR, 256, 252, 4096).depthBlock(576));
        assertEquals(132, new Blocking(MicroKernel.MR, MicroKernel.NR, 256, 252, 4096).rowBlock(258));
    }
}
