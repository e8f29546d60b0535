package io.jengine.tune;

import io.jengine.tune.device.DeviceDescription;
import java.util.List;

/** Fixed device descriptions, so that what the tuner constructs and predicts can be checked without measuring. */
public final class TestDevices {
    private TestDevices() {}

    /** An AVX2 server core: 32 KiB L1d, 1 MiB L2, 32 MiB L3, 2 cores, 8 float lanes. */
    public static DeviceDescription avx2() {
        return new DeviceDescription("0123456789abcdef", "test AVX2 machine", "test CPU", 2, 8, 32 << 10, 1 << 20,
                32 << 20, "test", 96, 192, 400, 150, 60, 15, List.of());
    }
}
