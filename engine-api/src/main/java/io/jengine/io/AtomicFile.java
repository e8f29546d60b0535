package io.jengine.io;

import static java.nio.file.StandardOpenOption.CREATE_NEW;
import static java.nio.file.StandardOpenOption.WRITE;

import java.io.IOException;
import java.io.BufferedOutputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Replaces a file's content all at once: readers see the old file or the new one, never a half-written one, and a
 * crash leaves no empty file under the name, and a failed write (a full disk) leaves the old file as it was. Used for
 * plans and for the small files several processes share (timing and calibration caches).
 */
public final class AtomicFile {
    private AtomicFile() {}

    /** What writes a file's content; it may write any amount, in any pieces. */
    @FunctionalInterface
    public interface Content {
        void writeTo(OutputStream out) throws IOException;
    }

    /**
     * Writes {@code content} to a hidden temporary file beside {@code file} (creating the folder), forces it to disk,
     * and moves it over {@code file}; the temporary file is gone afterwards whatever happened.
     */
    public static void replace(Path file, byte[] content) throws IOException {
        replace(file, out -> out.write(content));
    }

    /**
     * As {@link #replace(Path, byte[])}, for content written as a stream (a plan of hundreds of megabytes). A failure
     * while writing (a full disk, an exception from {@code content}) leaves {@code file} as it was.
     */
    public static void replace(Path file, Content content) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        // Hidden and unique: CREATE_NEW fails rather than share a name with another writer's temporary file.
        String unique = Long.toHexString(ThreadLocalRandom.current().nextLong());
        Path temp = dir.resolve("." + file.getFileName() + "." + unique + ".tmp");
        try {
            try (FileChannel channel = FileChannel.open(temp, CREATE_NEW, WRITE)) {
                OutputStream out = new BufferedOutputStream(Channels.newOutputStream(channel), 1 << 16);
                content.writeTo(out);
                out.flush();
                // On disk before the move: otherwise a crash can leave the new name pointing at an empty file.
                channel.force(true);
            }
            try {
                // REPLACE_EXISTING too: without it, whether an atomic move replaces the target is up to the file
                // system (Linux does; others refuse).
                Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            try {
                Files.deleteIfExists(temp);
            } catch (IOException e) {
                // Only a leftover temporary file; the failure that matters, if any, is already on its way up.
            }
        }
    }
}
