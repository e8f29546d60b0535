package io.jengine.opencl;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/**
 * Keeps PoCL from taking the JVM's SIGFPE. On x86-64 PoCL's CPU driver installs a SIGFPE handler when its devices
 * start, to step over a kernel's integer division by zero; HotSpot raises SIGFPE itself for a Java division by zero
 * (and turns it into ArithmeticException). With PoCL's handler in place the JVM's signal went to PoCL, and the
 * conformance run on {@code opencl:0} died with a segmentation fault and no error report in one start of three.
 * PoCL reads {@code POCL_SIGFPE_HANDLER} from the C environment when it starts its devices, so it is set to 0 there
 * before the first OpenCL call (a value the user set is left alone).
 */
final class PoclSignals {
    private PoclSignals() {}

    /** Sets {@code POCL_SIGFPE_HANDLER=0} in the process's C environment unless it is set. */
    static void keepJvmSigfpe() {
        try {
            Linker linker = Linker.nativeLinker();
            MethodHandle setenv = linker.downcallHandle(linker.defaultLookup().find("setenv").orElseThrow(),
                    FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.ADDRESS,
                            ValueLayout.JAVA_INT));
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment name = arena.allocateFrom("POCL_SIGFPE_HANDLER"), value = arena.allocateFrom("0");
                int ignored = (int) setenv.invokeExact(name, value, 0); // 0: keep a value already set; -1: no memory
            }
        } catch (Throwable t) {
            // no C library to call (not Linux): no PoCL CPU driver either
        }
    }
}
