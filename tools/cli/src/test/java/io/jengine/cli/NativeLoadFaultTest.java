package io.jengine.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jengine.io.Npy;
import io.jengine.tensor.Tensor;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The native libraries cannot load in a fresh JVM (neither the cache folder nor the temporary folder can hold them):
 * `engine run --verbose` says why in one line per library, runs on the engine's own kernels and writes the same
 * answers as a run with the libraries (within float tolerance: other kernels sum in another order).
 */
class NativeLoadFaultTest {
    @TempDir
    Path dir;

    @Test
    void theEngineRunsWithoutItsNativeLibrariesAndSaysWhy() throws Exception {
        // A regular file where a folder is needed: no extraction can succeed, even for root.
        Path blocker = Files.writeString(dir.resolve("not-a-folder"), "x");
        Path withNative = dir.resolve("with"), without = dir.resolve("without");
        assertEquals(0, EngineCli.execute("run", CliErrorsTest.DIGITS.toString(), "--input",
                "image=" + CliErrorsTest.IMAGES, "--output-dir", withNative.toString()));

        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED",
                "-Djava.io.tmpdir=" + blocker.resolve("tmp"), "-cp", System.getProperty("java.class.path"),
                EngineCli.class.getName(), "run", CliErrorsTest.DIGITS.toString(), "--input",
                "image=" + CliErrorsTest.IMAGES, "--output-dir", without.toString(), "--verbose"));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("XDG_CACHE_HOME", blocker.resolve("cache").toString());
        Process p = pb.start();
        String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), log);
        assertEquals(0, p.exitValue(), log);
        assertTrue(log.contains("native: oneDNN unavailable: cannot extract to " + blocker.resolve("cache")), log);
        assertTrue(log.contains("native: OpenBLAS unavailable: cannot extract to "), log);

        for (Path out : outputs(withNative)) {
            Tensor a = Npy.read(out), b = Npy.read(without.resolve(out.getFileName()));
            assertEquals(a.size(), b.size());
            for (long i = 0; i < a.size(); i++) {
                double x = a.getDouble(i), y = b.getDouble(i);
                assertTrue(Math.abs(x - y) <= 1e-4 + 1e-4 * Math.abs(x), out.getFileName() + "[" + i + "]: " + x + " vs " + y);
            }
        }
    }

    private static List<Path> outputs(Path folder) throws IOException {
        try (var files = Files.list(folder)) {
            List<Path> l = files.filter(f -> f.toString().endsWith(".npy")).toList();
            assertTrue(!l.isEmpty(), "no outputs in " + folder);
            return l;
        }
    }
}
