package io.jengine.tune.cache;

import static java.nio.file.StandardOpenOption.CREATE;
import static java.nio.file.StandardOpenOption.WRITE;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;

/**
 * The timing cache file on disk: reading it, and replacing it under a lock so that builds sharing it neither corrupt
 * it nor lose each other's entries.
 *
 * <p>Writers take an exclusive lock on a sibling {@code <name>.lock} file, re-read the cache, merge and write a
 * temporary file in the same directory that is then moved over the cache in one step. Readers take no lock: the move
 * means they see either the old file or the new one, never a half-written one. The lock file stays behind on purpose:
 * deleting it would let a process that opened it just before lock a file no other process sees any more.
 */
final class TimingCacheFile {
    /**
     * One lock per lock file for the threads of this process: a file lock belongs to the whole process, and a second
     * lock on the same file from the same process throws instead of waiting.
     */
    private static final Map<Path, ReentrantLock> IN_PROCESS = new ConcurrentHashMap<>();

    private final Path file;

    TimingCacheFile(Path file) { this.file = file; }

    /** The path the cache was opened with, for messages. */
    Path path() { return file; }

    /** Reads the file as it is now. Bad content is a {@link CacheContents.Unusable}; only I/O failures throw. */
    CacheContents read() throws IOException {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return new CacheContents.Missing();
        }
        return TimingCacheFormat.decode(bytes);
    }

    /**
     * Holding the lock, reads what is on disk now, hands it to {@code merge} and writes what that returns; a
     * {@code null} from {@code merge} leaves the file as it is. Creates the directory if it does not exist.
     */
    void update(Function<CacheContents, Map<TimingKey, Timing>> merge) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        // The real path, so that two spellings of one directory share the in-process lock.
        Path lockFile = dir.toRealPath().resolve(file.getFileName() + ".lock");
        ReentrantLock inProcess = IN_PROCESS.computeIfAbsent(lockFile, k -> new ReentrantLock());
        inProcess.lock();
        try (FileChannel channel = FileChannel.open(lockFile, CREATE, WRITE)) {
            channel.lock(); // held until the channel closes
            Map<TimingKey, Timing> merged = merge.apply(read());
            if (merged != null) io.jengine.io.AtomicFile.replace(file, TimingCacheFormat.encode(merged));
        } finally {
            inProcess.unlock();
        }
    }
}
