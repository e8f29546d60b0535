package io.jengine.cpu.nativelib;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Skips a test, with the reason, where a native library cannot load — except under {@code CI=true} on linux-x86_64,
 * where the jars carry builds for this platform and a library that fails to load is a broken build.
 */
final class NativeAssumptions {
    private NativeAssumptions() {}

    static void assumeDnnl() {
        assumeLoaded(NativeLibraries.dnnl().isPresent(), NativeLibraries.dnnlStatus());
    }

    static void assumeOpenBlas() {
        assumeLoaded(NativeLibraries.openBlas().isPresent(), NativeLibraries.openBlasStatus());
    }

    static void assumeLoaded(NativeSgemm.Library library) {
        switch (library) {
            case DNNL -> assumeDnnl();
            case OPENBLAS -> assumeOpenBlas();
        }
    }

    static void assumeLoaded(boolean loaded, String status) {
        if (!loaded && "true".equals(System.getenv("CI")) && NativeLibraries.isLinuxX86_64()) fail(status);
        assumeTrue(loaded, status);
    }
}
