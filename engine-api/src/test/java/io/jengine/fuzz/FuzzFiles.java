package io.jengine.fuzz;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** A scratch folder per JVM for readers that take files; each input overwrites the last. */
final class FuzzFiles {
    private static final Path DIR;

    static {
        try {
            DIR = Files.createTempDirectory("jengine-fuzz");
            DIR.toFile().deleteOnExit();
        } catch (IOException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private FuzzFiles() {}

    static Path dir() { return DIR; }

    private static Path last;
    private static long count;

    /**
     * A new file for each input, the previous one deleted: a reader may keep a file mapped (a plan's weights), and
     * rewriting a mapped file in place would cut the ground from under it.
     */
    static synchronized Path fresh(String suffix, byte[] bytes) throws IOException {
        if (last != null) Files.deleteIfExists(last);
        last = write("input-" + (count++) + suffix, bytes);
        return last;
    }

    static Path write(String name, byte[] bytes) throws IOException {
        Path f = DIR.resolve(name);
        Files.write(f, bytes);
        f.toFile().deleteOnExit();
        return f;
    }
}
