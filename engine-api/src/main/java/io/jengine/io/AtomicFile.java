package io.jengine.io;

import static java.nio.file.StandardOpenOption.CREATE_NEW;
import static java.nio.file.StandardOpenOption.WRITE;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Replaces a file's content all at once: readers see the old file or the new one, never a half-written one, and a
 * crash leaves no empty file under the name. Used for the small files several processes share (timing and
 * calibration caches).
 */
public final class AtomicFile {
    private AtomicFile() {}

    /**
     * Writes {@code content} to a hidden temporary file beside {@code file} (creating the folder), forces it to disk,
     * and moves it over {@code file}; the temporary file is gone afterwards whatever happened.
     */
    public static void replace(Path file, byte[] content) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        // Hidden and unique: CREATE_NEW fails rather than share a name with another writer's temporary file.
        String unique = Long.toHexString(ThreadLocalRandom.current().nextLong());
        Path temp = dir.resolve("." + file.getFileName() + "." + unique + ".tmp");
        try {
            try (FileChannel out = FileChannel.open(temp, CREATE_NEW, WRITE)) {
                ByteBuffer buffer = ByteBuffer.wrap(content);
                while (buffer.hasRemaining()) out.write(buffer);
                // On disk before the move: otherwise a crash can leave the new name pointing at an empty file.
                out.force(true);
            }
            try {
                Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE);
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
