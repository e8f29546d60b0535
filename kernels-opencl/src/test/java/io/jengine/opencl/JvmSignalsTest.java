package io.jengine.opencl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/**
 * With an OpenCL device started (PoCL's CPU driver in CI), a Java integer division by zero is still the JVM's:
 * HotSpot takes it as a SIGFPE and throws ArithmeticException. PoCL's own SIGFPE handler, installed when its devices
 * start, used to receive the signal instead, and the JVM died.
 */
class JvmSignalsTest {
    @Test
    void aJavaDivisionByZeroStillThrowsAfterOpenClStarted() {
        OpenClTestDevice.name(); // starts the platform's devices (skips without one, fails under CI=true)
        int caught = 0;
        for (int i = 0; i < 200_000; i++) { // interpreted, then compiled: both raise the signal
            int zero = i % 1 == 0 ? 0 : i;
            try {
                sink += i / zero;
            } catch (ArithmeticException expected) {
                caught++;
            }
        }
        assertEquals(200_000, caught);
        assertThrows(ArithmeticException.class, () -> divide(1, 0));
    }

    private static int sink;

    private static int divide(int a, int b) { return a / b; }
}
