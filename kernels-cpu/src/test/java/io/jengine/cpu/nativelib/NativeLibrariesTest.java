package io.jengine.cpu.nativelib;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.foreign.FunctionDescriptor;
import java.lang.invoke.MethodHandle;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Loading status lines, and how bindings behave where a library did not load. */
class NativeLibrariesTest {

    @Test
    void loadedLibrariesSayWhereFrom() {
        NativeAssumptions.assumeDnnl();
        NativeAssumptions.assumeOpenBlas();
        assertTrue(NativeLibraries.dnnlStatus().matches("oneDNN 3\\.8\\.\\d+ \\(OpenMP; [^)]+\\) loaded from .*dnnl-.*"),
                NativeLibraries.dnnlStatus());
        assertTrue(NativeLibraries.openBlasStatus().matches("OpenBLAS 0\\.3\\.30 \\(core .+\\) loaded from .*"),
                NativeLibraries.openBlasStatus());
        assertEquals(1, NativeLibraries.dnnlStatus().lines().count());
        assertEquals("3.8.1-1.5.12", NativeLibraries.dnnl().orElseThrow().version());
    }

    @Test
    void aUsersOpenMpWaitPolicyIsKept() {
        assertEquals("OpenMP wait policy left as the environment sets it",
                OpenMpEnvironment.preferShortSpinning(java.util.Map.of("OMP_WAIT_POLICY", "ACTIVE")));
        assertEquals("OpenMP wait policy left as the environment sets it",
                OpenMpEnvironment.preferShortSpinning(java.util.Map.of("GOMP_SPINCOUNT", "1000")));
    }

    @Test
    void aMissingJarIsAReasonNotACrash() {
        assumeTrue(NativeLibraries.isLinuxX86_64(), "the jar check comes after the platform check");
        ClassLoader empty = new URLClassLoader(new URL[0], null);
        NativeLibraries.Outcome dnnl = NativeLibraries.loadDnnl(empty);
        assertTrue(dnnl.library().isEmpty());
        assertEquals("oneDNN unavailable: jar org.bytedeco:opencl:3.0-1.5.12:linux-x86_64 is not on the class path "
                + "(META-INF/maven/org.bytedeco/opencl/pom.properties not found)", dnnl.status());
        NativeLibraries.Outcome blas = NativeLibraries.loadOpenBlas(empty);
        assertTrue(blas.library().isEmpty());
        assertTrue(blas.status().startsWith("OpenBLAS unavailable: jar org.bytedeco:openblas:0.3.30-1.5.12"),
                blas.status());
    }

    @Test
    void aDamagedCachedLibraryIsExtractedAgainBeforeItIsLoaded(@TempDir Path root) throws Exception {
        NativeAssumptions.assumeOpenBlas();
        ClassLoader loader = NativeLibraries.class.getClassLoader();
        LibraryExtractor extractor = new LibraryExtractor(root);
        Path dir = extractor.extract(loader, LibraryBundle.OPENBLAS, "test");
        Path lib = dir.resolve("libopenblas.so.0");
        byte[] good = Files.readAllBytes(lib);
        // The same size, other bytes: a size check alone would load it (and a damaged library can crash the JVM).
        byte[] damaged = good.clone();
        for (int i = 4096; i < damaged.length; i += 4096) damaged[i] ^= 0x5a;
        Files.write(lib, damaged);
        assertEquals(dir, extractor.extract(loader, LibraryBundle.OPENBLAS, "test"));
        assertArrayEquals(good, Files.readAllBytes(lib));
    }

    @Test
    void aLibraryThatDoesNotOpenIsAReasonNotACrash(@TempDir Path tmp) throws Exception {
        assumeTrue(NativeLibraries.isLinuxX86_64(), "the jar check comes after the platform check");
        // A jar that has the expected names but not libraries in them (a broken repackaging, another architecture).
        Path jar = tmp.resolve("openblas-linux-x86_64.jar");
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
            out.putNextEntry(new JarEntry(LibraryBundle.OPENBLAS.pomProperties()));
            out.write("version=0.3.30-1.5.12\n".getBytes(StandardCharsets.UTF_8));
            for (String file : LibraryBundle.OPENBLAS.files()) {
                out.putNextEntry(new JarEntry(LibraryBundle.OPENBLAS.resources() + file));
                out.write(("not a shared object: " + file).getBytes(StandardCharsets.UTF_8));
            }
        }
        try (URLClassLoader loader = new URLClassLoader(new URL[] {jar.toUri().toURL()}, null)) {
            NativeLibraries.Outcome blas = NativeLibraries.loadOpenBlas(loader, tmp.resolve("cache"));
            assertTrue(blas.library().isEmpty());
            assertTrue(blas.status().startsWith("OpenBLAS unavailable: cannot open "), blas.status());
            assertTrue(blas.status().contains("libquadmath.so.0"), blas.status());
            assertEquals(1, blas.status().lines().count());
        }
    }

    @Test
    void threadCountsAreSetAndRead() {
        NativeAssumptions.assumeDnnl();
        NativeAssumptions.assumeOpenBlas();
        Gomp.omp_set_num_threads(3);
        assertEquals(3, Gomp.omp_get_max_threads());
        Gomp.omp_set_num_threads(1);
        assertEquals(1, Gomp.omp_get_max_threads());
        int before = OpenBlas.openblas_get_num_threads();
        OpenBlas.openblas_set_num_threads(2);
        assertEquals(2, OpenBlas.openblas_get_num_threads());
        OpenBlas.openblas_set_num_threads(before);
    }

    @Test
    void aBindingOfAnAbsentLibraryThrowsTheReason() throws Throwable {
        MethodHandle get = Downcalls.find(Optional.empty(), () -> "libfoo unavailable: no such jar", "foo_get",
                FunctionDescriptor.of(JAVA_INT, JAVA_INT));
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> {
            int unused = (int) get.invokeExact(1);
        });
        assertEquals("libfoo unavailable: no such jar", e.getMessage());
        MethodHandle set = Downcalls.find(Optional.empty(), () -> "libfoo unavailable", "foo_set",
                FunctionDescriptor.ofVoid(JAVA_INT));
        assertThrows(IllegalStateException.class, () -> {
            set.invokeExact(1);
        });
    }
}
