package io.jengine.tune.model;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jengine.spi.DeviceHardware;
import io.jengine.spi.GemmProblem;
import io.jengine.spi.GemmTiling;
import org.junit.jupiter.api.Test;

/** What Roller's model must tell apart on a GPU: idle compute units, starved FMAs, and the roofline itself. */
class DeviceCostModelTest {
    private static final DeviceHardware H100 = new DeviceHardware(132, 32, 1024, 48 << 10, 51_000, 3_000, 5e-6, 2e-8, 25, 1e-5);

    private static double ms(GemmProblem p, GemmTiling t) { return 1e3 * DeviceCostModel.predict(p, t, H100); }

    @Test
    void aSmallLayerPrefersTilesThatKeepEveryComputeUnitBusy() {
        // ResNet-50's last 1x1 convolution at batch 1: 2048 x 49, depth 512. 128 x 64 tiles make 16 groups for 132
        // units; 32 x 32 tiles make 128.
        GemmProblem p = new GemmProblem(2048, 49, 512, 1, true, true, 0);
        double big = ms(p, new GemmTiling(8, 8, 16, 128, 64)), small = ms(p, new GemmTiling(4, 4, 16, 32, 32));
        assertTrue(small < big, "small " + small + " ms, big " + big + " ms");
    }

    @Test
    void aLargeProductPrefersRegisterTilesThatFeedTheFmas() {
        GemmProblem p = new GemmProblem(4096, 4096, 4096, 1, true, true, 0);
        double single = ms(p, new GemmTiling(1, 1, 16, 16, 16)), tiled = ms(p, new GemmTiling(8, 8, 16, 128, 128));
        assertTrue(tiled < single / 2, "8x8 per work-item " + tiled + " ms, 1x1 " + single + " ms");
        // and stays above the roofline: 2 n^3 at the peak
        double floor = 2.0 * 4096 * 4096 * 4096 / (H100.peakGflops() * 1e9) * 1e3;
        assertTrue(tiled >= floor, tiled + " ms is faster than the device's peak allows (" + floor + " ms)");
    }

    @Test
    void aMemoryBoundProductIsPricedByItsBytes() {
        // a matrix-vector product: 4096 x 4096 weights read once, 2 FLOPs per 4 bytes
        GemmProblem p = new GemmProblem(4096, 1, 4096, 1, true, true, 0);
        double t = ms(p, new GemmTiling(4, 1, 16, 64, 1));
        double bytes = 4.0 * 4096 * 4096 / (H100.memoryGBps() * 1e9) * 1e3;
        assertTrue(t >= bytes, t + " ms is under the time to read the weights once (" + bytes + " ms)");
    }
}
