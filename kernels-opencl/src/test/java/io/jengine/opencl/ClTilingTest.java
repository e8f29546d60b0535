package io.jengine.opencl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jengine.spi.GemmProblem;
import io.jengine.spi.GemmTiling;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Tilings against a device's limits, without a device: what is refused, and what a small device runs by default. */
class ClTilingTest {
    /** A device with groups of at most 128 work-items and 16 KiB of local memory. */
    private static final DeviceInfo SMALL = new DeviceInfo("small", "vendor", "platform", "OpenCL 1.2", "1", "GPU",
            Set.of(), 4, 128, 16 << 10, 1L << 30, 1L << 28, true, false);

    @Test
    void theTunersTermsRoundTrip() {
        ClTiling t = new ClTiling(4, 8, 16, 8, 4);
        assertEquals("4x8.kc16.mc32.nc32", t.gemm().id());
        assertEquals(t, ClTiling.of(GemmTiling.parse(t.gemm().id())));
        assertEquals(32, t.workItems());
        assertEquals(4L * 16 * (32 + 32), t.localBytes());
    }

    @Test
    void aTilingOverTheDevicesLimitsIsRefusedNamingThem() {
        assertTrue(ClTiling.DEFAULT.misfit(SMALL).contains("256 work-items"), ClTiling.DEFAULT.misfit(SMALL));
        ClTiling staged = new ClTiling(8, 8, 64, 4, 4); // 4 * 64 * (32 + 32) = 16 KiB: fits exactly
        assertNull(staged.misfit(SMALL));
        ClTiling deeper = new ClTiling(8, 8, 64, 8, 4);
        assertTrue(deeper.misfit(SMALL).contains("local memory"), deeper.misfit(SMALL));
        assertEquals(new ClTiling(4, 4, 16, 8, 8), ClTiling.defaultFor(SMALL));

        ClTunable tunable = new ClTunable("gemm", new GemmProblem(64, 64, 64, 1, true, true, 0), ClTiling.defaultFor(SMALL),
                SMALL, t -> { throw new AssertionError("not prepared"); });
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> tunable.with(ClTiling.DEFAULT.gemm()));
        assertTrue(e.getMessage().contains("work-items"), e.getMessage());
        assertEquals("gemm@2x2.kc8.mc8.nc8", tunable.with(new GemmTiling(2, 2, 8, 8, 8)).name());
        assertThrows(IllegalArgumentException.class, () -> ClTiling.of(new GemmTiling(16, 1, 16, 64, 8)),
                "more outputs per work-item than registers hold");
    }
}
