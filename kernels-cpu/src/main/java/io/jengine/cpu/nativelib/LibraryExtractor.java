package io.jengine.cpu.nativelib;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.net.JarURLConnection;
import java.net.URL;
import java.net.URLConnection;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.jar.JarEntry;
import java.util.zip.CRC32;

/**
 * Copies a bundle's shared libraries out of their jar into {@code <root>/<name>-<version>/}, once: a file already
 * there with the resource's size and the CRC-32 the jar records for it is reused.
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
        return extract(loader, bundle, version, false);
    }

    /**
     * As {@link #extract(ClassLoader, LibraryBundle, String)}; with {@code replace}, every file is copied again and
     * renamed over the cached one even where the sizes agree (a cached copy that fails to open is damaged).
     */
    Path extract(ClassLoader loader, LibraryBundle bundle, String version, boolean replace) throws IOException {
        Path dir = root.resolve(bundle.name() + "-" + version);
        Files.createDirectories(dir);
        for (String file : bundle.files()) {
            String resource = bundle.resources() + file;
            URL url = loader.getResource(resource);
            if (url == null) {
                throw new FileNotFoundException(resource + " is not on the class path (jar " + bundle.artifact() + ")");
            }
            extractOne(url, dir.resolve(file), replace);
        }
        return dir;
    }

    /**
     * Whether the cached file's CRC-32 is the one the jar records for the entry (true where the jar records none): a
     * library damaged on disk is replaced rather than loaded, where its code could crash the process.
     */
    private static boolean sameChecksum(URLConnection connection, Path target) throws IOException {
        if (!(connection instanceof JarURLConnection jar)) return true;
        JarEntry entry = jar.getJarEntry();
        if (entry == null || entry.getCrc() < 0) return true;
        CRC32 crc = new CRC32();
        try (FileChannel ch = FileChannel.open(target, StandardOpenOption.READ)) {
            ByteBuffer buffer = ByteBuffer.allocateDirect(1 << 20);
            while (ch.read(buffer) >= 0) {
                buffer.flip();
                crc.update(buffer);
                buffer.clear();
            }
        }
        return crc.getValue() == entry.getCrc();
    }

    private static void extractOne(URL url, Path target, boolean replace) throws IOException {
        URLConnection connection = url.openConnection();
        // A cached JarURLConnection shares one open JarFile with the rest of the class loader; closing ours must not.
        connection.setUseCaches(false);
        long expected = connection.getContentLengthLong();
        if (!replace && expected >= 0 && Files.isRegularFile(target) && Files.size(target) == expected
                && sameChecksum(connection, target)) {
            if (connection instanceof JarURLConnection jar) jar.getJarFile().close(); // not cached: ours alone
            return;
        }
        Path tmp = Files.createTempFile(target.getParent(), target.getFileName() + ".", ".tmp");
        try {
            long copied;
            try (InputStream in = connection.getInputStream()) {
                copied = Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
            }
            if (expected >= 0 && copied != expected) {
                throw new IOException("extracting " + url + ": expected " + expected + " bytes, got " + copied);
            }
            // Renamed over whatever is there (another process's fresh copy, or a damaged one): a process that has
            // the old file mapped keeps its pages.
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            long size = Files.size(target);
            if (size != copied) {
                throw new IOException("extracted " + target + " has " + size + " bytes, expected " + copied);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
