package io.jengine.cpu.nativelib;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.net.URLConnection;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Copies a bundle's shared libraries out of their jar into {@code <root>/<name>-<version>/}, once: a file already
 * there with the resource's size is reused.
 *
 * <p>Each file is written to a temporary file in the same folder and renamed over the target, so two JVMs extracting
 * at once each produce a whole file and the last rename wins; the target is never written in place, because another
 * process may have it mapped (rewriting a mapped library's pages crashes that process, a rename does not touch them).
 */
final class LibraryExtractor {
    private final Path root;

    LibraryExtractor(Path root) {
        this.root = root;
    }

    /** {@code ${XDG_CACHE_HOME:-~/.cache}/jengine/native}. */
    static Path defaultRoot() {
        String xdg = System.getenv("XDG_CACHE_HOME");
        Path cache = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
        return cache.resolve("jengine").resolve("native");
    }

    /** Extracts every file of {@code bundle} found through {@code loader}; returns the folder holding them. */
    Path extract(ClassLoader loader, LibraryBundle bundle, String version) throws IOException {
        Path dir = root.resolve(bundle.name() + "-" + version);
        Files.createDirectories(dir);
        for (String file : bundle.files()) {
            String resource = bundle.resources() + file;
            URL url = loader.getResource(resource);
            if (url == null) {
                throw new FileNotFoundException(resource + " is not on the class path (jar " + bundle.artifact() + ")");
            }
            extractOne(url, dir.resolve(file));
        }
        return dir;
    }

    private static void extractOne(URL url, Path target) throws IOException {
        URLConnection connection = url.openConnection();
        // A cached JarURLConnection shares one open JarFile with the rest of the class loader; closing ours must not.
        connection.setUseCaches(false);
        long expected = connection.getContentLengthLong();
        if (expected >= 0 && Files.isRegularFile(target) && Files.size(target) == expected) return;
        Path tmp = Files.createTempFile(target.getParent(), target.getFileName() + ".", ".tmp");
        try {
            long copied;
            try (InputStream in = connection.getInputStream()) {
                copied = Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
            }
            if (expected >= 0 && copied != expected) {
                throw new IOException("extracting " + url + ": expected " + expected + " bytes, got " + copied);
            }
            if (!(Files.isRegularFile(target) && Files.size(target) == copied)) {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            }
            long size = Files.size(target);
            if (size != copied) {
                throw new IOException("extracted " + target + " has " + size + " bytes, expected " + copied);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
