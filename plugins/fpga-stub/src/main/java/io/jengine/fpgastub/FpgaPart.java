package io.jengine.fpgastub;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;

/**
 * An FPGA part as a device file describes it ({@code .properties}): a weight-stationary INT8 systolic array of
 * {@code array.rows} × {@code array.cols} multiply-accumulate cells at {@code clock.mhz}, {@code buffer.bytes} of
 * on-chip buffer, DDR at {@code ddr.gbps} GB/s, and a host link at {@code link.gbps} GB/s with {@code link.latency.us}
 * per copy. Every figure the simulation gives comes from these; a missing, unknown or non-positive key is an error
 * naming the file and the key.
 */
public record FpgaPart(String name, int rows, int cols, double clockMhz, long bufferBytes, double ddrGBps,
                       double linkGBps, double linkLatencyUs) {
    private static final Set<String> KEYS = Set.of("name", "array.rows", "array.cols", "clock.mhz", "buffer.bytes",
            "ddr.gbps", "link.gbps", "link.latency.us");

    public FpgaPart {
        if (rows < 1 || cols < 1 || !(clockMhz > 0) || bufferBytes < 1 || !(ddrGBps > 0) || !(linkGBps > 0)
                || !(linkLatencyUs >= 0)) {
            throw new IllegalArgumentException("FPGA part '" + name + "': every figure must be positive");
        }
    }

    /** One copy of {@code bytes} over the host link. */
    public double transferSeconds(long bytes) { return linkLatencyUs * 1e-6 + bytes / (linkGBps * 1e9); }

    public static FpgaPart read(Path file) {
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            Properties p = new Properties();
            p.load(r);
            return of(p, file.toString());
        } catch (IOException e) {
            throw new IllegalArgumentException("FPGA part file " + file + " cannot be read: " + e.getMessage(), e);
        }
    }

    /** A part shipped in this jar ({@code small}, {@code large}). */
    static FpgaPart bundled(String name) {
        try (InputStream in = FpgaPart.class.getResourceAsStream(name + ".properties")) {
            if (in == null) throw new IllegalStateException("no bundled FPGA part " + name);
            Properties p = new Properties();
            p.load(new java.io.InputStreamReader(in, StandardCharsets.UTF_8));
            return of(p, name + ".properties (bundled)");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static FpgaPart of(Properties p, String source) {
        Set<String> unknown = new TreeSet<>(p.stringPropertyNames());
        unknown.removeAll(KEYS);
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException("FPGA part file " + source + ": unknown keys " + unknown + "; the keys are "
                    + new TreeSet<>(KEYS));
        }
        try {
            return new FpgaPart(text(p, "name", source), (int) whole(p, "array.rows", source),
                    (int) whole(p, "array.cols", source), number(p, "clock.mhz", source), whole(p, "buffer.bytes", source),
                    number(p, "ddr.gbps", source), number(p, "link.gbps", source), number(p, "link.latency.us", source));
        } catch (IllegalArgumentException e) {
            throw e.getMessage().startsWith("FPGA part file") ? e
                    : new IllegalArgumentException("FPGA part file " + source + ": " + e.getMessage(), e);
        }
    }

    private static String text(Properties p, String key, String source) {
        String v = p.getProperty(key);
        if (v == null || v.isBlank()) throw new IllegalArgumentException("FPGA part file " + source + ": '" + key + "' is missing");
        return v.strip();
    }

    private static double number(Properties p, String key, String source) {
        String v = text(p, key, source);
        try {
            double d = Double.parseDouble(v);
            if (!(d >= 0) || Double.isInfinite(d)) throw new NumberFormatException();
            return d;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("FPGA part file " + source + ": '" + key + "' must be a non-negative number, got '" + v + "'");
        }
    }

    private static long whole(Properties p, String key, String source) {
        String v = text(p, key, source);
        try {
            long n = Long.parseLong(v);
            if (n < 1 || key.startsWith("array.") && n > 4096) throw new NumberFormatException();
            return n;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("FPGA part file " + source + ": '" + key + "' must be a positive integer"
                    + (key.startsWith("array.") ? " up to 4096" : "") + ", got '" + v + "'");
        }
    }
}
