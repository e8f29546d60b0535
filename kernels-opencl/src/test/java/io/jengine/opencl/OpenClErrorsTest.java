package io.jengine.opencl;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jengine.errors.EngineException;
import io.jengine.runtime.Backends;
import org.junit.jupiter.api.Test;

/** What a user sees when the device is wrong, a program does not build or the device runs out of memory. */
class OpenClErrorsTest {
    @Test
    void anUnknownDeviceIsAnErrorListingTheKnownOnes() {
        String device = OpenClTestDevice.name();
        for (String bad : new String[] {"opencl:99", "gpu:0", "opencl"}) {
            EngineException e = assertThrows(EngineException.class, () -> Backends.discover().forDevice(bad));
            assertTrue(e.getMessage().contains("unknown device '" + bad + "'") && e.getMessage().contains(device)
                    && e.getMessage().contains("cpu"), e.getMessage());
        }
    }

    @Test
    void aProgramThatDoesNotBuildShowsTheCompilersLog() {
        OpenClDevice device = device();
        String broken = "__kernel void chain(__global float* y) { y[0] = undefined_name + 1.0f; }\n";
        OpenClException e = assertThrows(OpenClException.class, () -> device.generatedKernel("chain", broken));
        assertTrue(e.getMessage().contains("failed to build") && e.getMessage().contains("undefined_name"),
                e.getMessage());
    }

    @Test
    void anAllocationBeyondTheDeviceIsAClearError() {
        OpenClDevice device = device();
        try (OpenClMemory memory = new OpenClMemory(device)) {
            long tooMuch = device.info().maxAllocBytes() + 1;
            OpenClException e = assertThrows(OpenClException.class, () -> memory.scratch(tooMuch));
            assertTrue(e.getMessage().contains(device.name()) && e.getMessage().contains(String.valueOf(tooMuch))
                    && e.getMessage().contains("largest allocation"), e.getMessage());
        }
    }

    private static OpenClDevice device() {
        String name = OpenClTestDevice.name();
        return OpenClPlatforms.devices().stream().filter(d -> d.name().equals(name)).findFirst().orElseThrow();
    }
}
