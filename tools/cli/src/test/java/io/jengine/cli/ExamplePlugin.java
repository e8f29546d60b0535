package io.jengine.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarInputStream;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

/**
 * The example plugin as a user has it: its jar (built by the reactor before this module, kept off the test class
 * path and named by a system property) and its model; and altered copies of the jar for the error cases.
 */
final class ExamplePlugin {
    static final Path MODEL = Path.of("../../plugins/example/models/swish_mlp.onnx");

    private ExamplePlugin() {}

    /** The built jar; its absence is a failure (the reactor builds it), never a skip. */
    static Path jar() { return built("jengine.example.plugin"); }

    /** The FPGA stub plugin's jar, likewise. */
    static Path fpgaJar() { return built("jengine.fpga.plugin"); }

    private static Path built(String property) {
        String p = System.getProperty(property);
        assertTrue(p != null && !p.isBlank() && Files.isRegularFile(Path.of(p)), "a plugin's jar is missing (system"
                + " property " + property + " = " + p + "): build with ./mvnw package from the root");
        return Path.of(p);
    }

    /**
     * A copy of the jar at {@code dst} with manifest attributes changed ({@code null} removes one) and entries whose
     * name starts with {@code dropPrefix} left out (null: none).
     */
    static Path altered(Path dst, Map<String, String> manifestChanges, String dropPrefix) throws IOException {
        Files.createDirectories(dst.getParent());
        try (JarInputStream in = new JarInputStream(Files.newInputStream(jar()))) {
            Manifest m = new Manifest(in.getManifest());
            Attributes a = m.getMainAttributes();
            manifestChanges.forEach((k, v) -> {
                if (v == null) a.remove(new Attributes.Name(k));
                else a.put(new Attributes.Name(k), v);
            });
            try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(dst), m)) {
                for (JarEntry e; (e = in.getNextJarEntry()) != null; ) {
                    if (dropPrefix != null && e.getName().startsWith(dropPrefix)) continue;
                    out.putNextEntry(new JarEntry(e.getName()));
                    copy(in, out);
                    out.closeEntry();
                }
            }
        }
        return dst;
    }

    private static void copy(InputStream in, OutputStream out) throws IOException {
        byte[] buf = new byte[8192];
        for (int n; (n = in.read(buf)) > 0; ) out.write(buf, 0, n);
    }
}
