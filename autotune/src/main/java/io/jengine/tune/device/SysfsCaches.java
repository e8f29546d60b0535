package io.jengine.tune.device;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Reads the cache sizes Linux lists under {@code /sys/devices/system/cpu/cpu0/cache}: each {@code index*} directory
 * has a {@code level}, a {@code type} and a {@code size}. Containers and other systems may hide the directory, which
 * is why the answer is optional rather than defaulted here: the caller probes instead.
 */
final class SysfsCaches {
    static final Path HOST_DIR = Path.of("/sys/devices/system/cpu/cpu0/cache");

    private SysfsCaches() {}

    /**
     * The levels listed under {@code dir}; empty when it is unreadable or lists no data cache. Levels it does not list
     * (a CPU without L3) keep the defaults, and the source says which were read.
     */
    static Optional<CacheLevels> read(Path dir) {
        long[] bytes = new long[4];
        try (var entries = Files.list(dir)) {
            for (Path index : entries.filter(p -> p.getFileName().toString().startsWith("index")).toList()) {
                try {
                    if (Files.readString(index.resolve("type")).trim().equals("Instruction")) continue;
                    int level = Integer.parseInt(Files.readString(index.resolve("level")).trim());
                    long size = parseSize(Files.readString(index.resolve("size")).trim());
                    if (level >= 1 && level <= 3 && size > 0) bytes[level] = size;
                } catch (IOException | IllegalArgumentException unreadable) {
                    // One unreadable index only loses its level.
                }
            }
        } catch (IOException | SecurityException e) {
            return Optional.empty();
        }
        if (bytes[1] <= 0 && bytes[2] <= 0 && bytes[3] <= 0) return Optional.empty();
        boolean all = bytes[1] > 0 && bytes[2] > 0 && bytes[3] > 0;
        String read = (bytes[1] > 0 ? "L1d " : "") + (bytes[2] > 0 ? "L2 " : "") + (bytes[3] > 0 ? "L3 " : "");
        return Optional.of(new CacheLevels(
                bytes[1] > 0 ? bytes[1] : CacheLevels.DEFAULT_L1D,
                bytes[2] > 0 ? bytes[2] : CacheLevels.DEFAULT_L2,
                bytes[3] > 0 ? bytes[3] : CacheLevels.DEFAULT_L3,
                all ? dir.toString() : dir + " (" + read.trim() + "; others defaulted)"));
    }

    /** Parses sysfs sizes such as {@code 32K}, {@code 1024K}, {@code 32M} or a plain byte count. */
    static long parseSize(String s) {
        if (s.isEmpty()) throw new IllegalArgumentException("empty cache size");
        long scale = switch (Character.toUpperCase(s.charAt(s.length() - 1))) {
            case 'K' -> 1L << 10;
            case 'M' -> 1L << 20;
            case 'G' -> 1L << 30;
            default -> 1;
        };
        return Long.parseLong((scale == 1 ? s : s.substring(0, s.length() - 1)).trim()) * scale;
    }
}
