package io.jengine.cpu.simd;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The data cache sizes of the machine, read once from Linux's {@code /sys/devices/system/cpu/cpu0/cache} and used to
 * size the GEMM's cache blocks. Containers and other operating systems may hide that directory; then the sizes of a
 * typical server core (32 KiB / 1 MiB / 16 MiB) stand in, and {@link #source()} says so.
 *
 * @param l1d    level-1 data cache bytes of one core
 * @param l2     level-2 cache bytes (usually per core)
 * @param l3     level-3 cache bytes (usually shared)
 * @param source where the numbers came from, for logs and benchmark reports
 */
public record CacheSizes(long l1d, long l2, long l3, String source) {
    public static final long DEFAULT_L1D = 32 << 10, DEFAULT_L2 = 1 << 20, DEFAULT_L3 = 16 << 20;
    private static final Path SYS_CACHE = Path.of("/sys/devices/system/cpu/cpu0/cache");
    private static final CacheSizes HOST = read(SYS_CACHE);

    public CacheSizes {
        if (l1d <= 0 || l2 <= 0 || l3 <= 0) {
            throw new IllegalArgumentException("cache sizes must be positive, got L1d " + l1d + ", L2 " + l2 + ", L3 " + l3);
        }
    }

    /** The sizes of this machine (read once per process). */
    public static CacheSizes host() { return HOST; }

    /** The fallback sizes, for machines that hide their caches. */
    public static CacheSizes defaults(String why) {
        return new CacheSizes(DEFAULT_L1D, DEFAULT_L2, DEFAULT_L3, "defaults (" + why + ")");
    }

    /**
     * Reads the {@code level}, {@code type} and {@code size} files of each {@code index} directory under {@code dir}; a level that is missing or unreadable keeps its
     * default, and the source names which levels were read.
     */
    static CacheSizes read(Path dir) {
        long l1 = 0, l2 = 0, l3 = 0;
        try (var entries = Files.list(dir)) {
            for (Path index : entries.filter(p -> p.getFileName().toString().startsWith("index")).toList()) {
                try {
                    String type = Files.readString(index.resolve("type")).trim();
                    if (type.equals("Instruction")) continue;
                    int level = Integer.parseInt(Files.readString(index.resolve("level")).trim());
                    long size = parseSize(Files.readString(index.resolve("size")).trim());
                    switch (level) {
                        case 1 -> l1 = size;
                        case 2 -> l2 = size;
                        case 3 -> l3 = size;
                        default -> { }
                    }
                } catch (IOException | IllegalArgumentException unreadable) {
                    // One unreadable index leaves that level at its default.
                }
            }
        } catch (IOException | SecurityException e) {
            return defaults(dir + " is not readable");
        }
        if (l1 <= 0 && l2 <= 0 && l3 <= 0) return defaults(dir + " lists no data caches");
        String read = (l1 > 0 ? "L1d " : "") + (l2 > 0 ? "L2 " : "") + (l3 > 0 ? "L3 " : "");
        boolean all = l1 > 0 && l2 > 0 && l3 > 0;
        return new CacheSizes(l1 > 0 ? l1 : DEFAULT_L1D, l2 > 0 ? l2 : DEFAULT_L2, l3 > 0 ? l3 : DEFAULT_L3,
                dir + " (" + read.trim() + (all ? ")" : "; others defaulted)"));
    }

    /** Parses sysfs sizes such as {@code 32K}, {@code 1024K}, {@code 32M} or a plain byte count. */
    static long parseSize(String s) {
        if (s.isEmpty()) throw new IllegalArgumentException("empty cache size");
        char unit = Character.toUpperCase(s.charAt(s.length() - 1));
        long scale = switch (unit) {
            case 'K' -> 1L << 10;
            case 'M' -> 1L << 20;
            case 'G' -> 1L << 30;
            default -> 1;
        };
        String digits = scale == 1 ? s : s.substring(0, s.length() - 1);
        return Long.parseLong(digits.trim()) * scale;
    }
}
