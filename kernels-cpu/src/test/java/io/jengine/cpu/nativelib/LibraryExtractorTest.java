package io.jengine.cpu.nativelib;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.FileNotFoundException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Extraction of a bundle's files: once, whole, and safely when several extract at the same time. */
class LibraryExtractorTest {
    private static final LibraryBundle BUNDLE = LibraryBundle.OPENCL; // the smallest jar: 65 KB
    private final ClassLoader loader = getClass().getClassLoader();

    @TempDir
    Path root;

    private long resourceSize() throws Exception {
        try (InputStream in = loader.getResourceAsStream(BUNDLE.resources() + "libOpenCL.so.1")) {
            NativeAssumptions.assumeLoaded(in != null, "opencl jar not on the class path");
            return in.readAllBytes().length;
        }
    }

    @Test
    void extractsOnceAndReusesTheFile() throws Exception {
        long size = resourceSize();
        Path dir = new LibraryExtractor(root).extract(loader, BUNDLE, "9.9");
        assertEquals(root.resolve("opencl-9.9"), dir);
        Path lib = dir.resolve("libOpenCL.so.1");
        assertEquals(size, Files.size(lib));
        Object inode = Files.readAttributes(lib, "unix:ino").get("ino");
        new LibraryExtractor(root).extract(loader, BUNDLE, "9.9");
        assertEquals(inode, Files.readAttributes(lib, "unix:ino").get("ino"), "a whole file is not rewritten");
    }

    @Test
    void replacesATruncatedFile() throws Exception {
        long size = resourceSize();
        Path lib = root.resolve("opencl-9.9").resolve("libOpenCL.so.1");
        Files.createDirectories(lib.getParent());
        Files.write(lib, new byte[100]);
        new LibraryExtractor(root).extract(loader, BUNDLE, "9.9");
        assertEquals(size, Files.size(lib));
    }

    @Test
    void concurrentExtractionsEachSeeAWholeFile() throws Exception {
        long size = resourceSize();
        ExecutorService pool = Executors.newFixedThreadPool(6);
        try {
            List<Future<Path>> done = new ArrayList<>();
            for (int i = 0; i < 12; i++) {
                Callable<Path> task = () -> new LibraryExtractor(root).extract(loader, BUNDLE, "9.9");
                done.add(pool.submit(task));
            }
            for (Future<Path> f : done) assertEquals(size, Files.size(f.get().resolve("libOpenCL.so.1")));
        } finally {
            pool.shutdownNow();
        }
        try (Stream<Path> files = Files.list(root.resolve("opencl-9.9"))) {
            assertEquals(List.of("libOpenCL.so.1"), files.map(p -> p.getFileName().toString()).toList(),
                    "no temporary file is left behind");
        }
    }

    @Test
    void aMissingJarIsNamed() {
        LibraryBundle missing = new LibraryBundle("nothing", "org.example:nothing:1:linux-x86_64", "org/example/none/",
                "META-INF/none.properties", List.of("libnothing.so.1"), List.of(), List.of("libnothing.so.1"));
        FileNotFoundException e = assertThrows(FileNotFoundException.class,
                () -> new LibraryExtractor(root).extract(loader, missing, "1"));
        assertTrue(e.getMessage().contains("org/example/none/libnothing.so.1 is not on the class path "
                + "(jar org.example:nothing:1:linux-x86_64)"), e.getMessage());
    }

    @Test
    void defaultRootFollowsXdgCacheHome() {
        String xdg = System.getenv("XDG_CACHE_HOME");
        Path expected = xdg != null && !xdg.isBlank() ? Path.of(xdg, "jengine", "native")
                : Path.of(System.getProperty("user.home"), ".cache", "jengine", "native");
        assertEquals(expected, LibraryExtractor.defaultRoot());
    }
}
