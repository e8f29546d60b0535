package io.jengine.spi;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The data cache sizes of the machine, as Linux lists them under {@code /sys/devices/system/cpu/cpu0/cache} (each
 * {@code index*} directory has a {@code level}, a {@code type} and a {@code size}): what backends size their cache
 * blocks by and what the tuner's device description starts from. Containers and other operating systems may hide that
 * directory; {@link #host()} then stands in the sizes of a typical server core, and {@link #source()} says so, while
 * the tuner probes instead ({@link #fromSysfs} answers nothing).
 *
 * @param l1d    level-1 data cache bytes of one core
 * @param l2     level-2 cache bytes (usually per core)
 * @param l3     level-3 cache bytes (usually shared)
 * @param source where the numbers came from, for logs and benchmark reports
 */
public record CacheSizes(long l1d, long l2, long l3, String source) {
    public static final long DEFAULT_L1D = 32 << 10, DEFAULT_L2 = 1 << 20, DEFAULT_L3 = 16 << 20;
    /** Where Linux lists the first core's caches. */
    public static final Path SYS_CACHE = Path.of("/sys/devices/system/cpu/cpu0/cache");
    private static final CacheSizes HOST = read(SYS_CACHE);

    public CacheSizes {
        if (l1d <= 0 || l2 <= 0 || l3 <= 0) {
            throw new IllegalArgumentException("cache sizes must be positive, got L1d " + l1d + ", L2 " + l2 + ", L3 " + l3);
        }
    }

    /** The sizes of this machine (read once per process), defaulted where /sys hides them. */
    public static CacheSizes host() { return HOST; }

    /** The fallback sizes, for machines that hide their caches. */
    public static CacheSizes defaults(String why) {
        return new CacheSizes(DEFAULT_L1D, DEFAULT_L2, DEFAULT_L3, "defaults (" + why + ")");
    }

    /** The levels listed under {@code dir}, or the defaults when it is unreadable or lists no data cache. */
    public static CacheSizes read(Path dir) {
        return fromSysfs(dir).orElseGet(() -> defaults(dir + " is not readable or lists no data caches"));
    }

    /**
     * The levels listed under {@code dir}; empty when it is unreadable or lists no data cache. A level that is
     * missing or unreadable (a CPU without L3) keeps its default, and the source names the levels that were read.
     */
    public static Optional<CacheSizes> fromSysfs(Path dir) {
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
        String read = (bytes[1] > 0 ? "L1d " : "") + (bytes[2] > 0 ? "L2 " : "") + (bytes[3] > 0 ? "L3 " : "");
        boolean all = bytes[1] > 0 && bytes[2] > 0 && bytes[3] > 0;
        return Optional.of(new CacheSizes(bytes[1] > 0 ? bytes[1] : DEFAULT_L1D, bytes[2] > 0 ? bytes[2] : DEFAULT_L2,
                bytes[3] > 0 ? bytes[3] : DEFAULT_L3, dir + " (" + read.trim() + (all ? ")" : "; others defaulted)")));
    }

    /** Parses sysfs sizes such as {@code 32K}, {@code 1024K}, {@code 32M} or a plain byte count. */
    public static long parseSize(String s) {
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
