package io.jengine.opencl;

import static org.jocl.CL.*;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import org.jocl.CLException;
import org.jocl.Pointer;
import org.jocl.Sizeof;
import org.jocl.cl_device_id;
import org.jocl.cl_program;

/**
 * The programs built for one device. Each is the backend's shared {@code common.cl} followed by its own sources,
 * compiled once per process and kept on disk as the driver's binary, keyed by device, platform, driver, options and a
 * hash of the source ({@code $XDG_CACHE_HOME/jengine/opencl}, else {@code ~/.cache/jengine/opencl}), since a compiler run
 * costs from a tenth of a second to seconds per program. A binary the driver refuses is rebuilt from source; a source
 * that fails to build twice is an error with the compiler's log.
 */
final class ProgramCache {
    /** Full IEEE semantics: no fast-math options, so NaN and Inf behave as on the host. */
    static final String OPTIONS = "-cl-std=CL1.2";
    /**
     * Division and square root correctly rounded, where the device can: OpenCL allows 2.5 ulp otherwise, and a
     * quantized output's code is {@code rint(y / scale)}, whose tie would then fall either way of the reference's.
     */
    static final String ROUNDED_DIVIDE = " -cl-fp32-correctly-rounded-divide-sqrt";

    private final OpenClDevice device;
    private final String options;
    private final Map<String, cl_program> built = new HashMap<>();

    ProgramCache(OpenClDevice device) {
        this.device = device;
        this.options = OPTIONS + (device.info().roundedDivide() ? ROUNDED_DIVIDE : "");
    }

    /** The program of these resources, after {@code common.cl}. */
    cl_program program(String... sources) {
        StringBuilder src = new StringBuilder();
        for (String s : sources) src.append('\n').append(resource(s));
        return program(String.join(",", sources), src.toString());
    }

    /** The program of {@code source} (resources, or one generated at plan time), after {@code common.cl}, by {@code key}. */
    synchronized cl_program program(String key, String source) {
        cl_program p = built.get(key);
        if (p == null) {
            p = build(key, resource("common.cl") + "\n" + source);
            built.put(key, p);
        }
        return p;
    }

    private cl_program build(String name, String source) {
        String hash = sha256(device.info().fingerprint() + "\0" + options + "\0" + source);
        Path cached = cacheDir().resolve(hash + ".bin");
        cl_device_id[] ids = {device.id()};
        if (Files.isRegularFile(cached)) {
            try {
                byte[] binary = Files.readAllBytes(cached);
                cl_program p = clCreateProgramWithBinary(device.context(), 1, ids, new long[] {binary.length},
                        new byte[][] {binary}, null, null);
                clBuildProgram(p, 1, ids, options, null, null);
                return p;
            } catch (IOException | CLException e) {
                // a stale or foreign binary: compile from source below
            }
        }
        cl_program p;
        try {
            p = compile(name, source, ids);
        } catch (OpenClException firstTry) {
            // Once more before giving up: a driver's compiler can fail for reasons of its own, as PoCL 3.1's did when
            // programs were first built on two threads at once ("unable to rename temporary ... kcache/tempfile_...:
            // No such file or directory"); a source that does not compile fails the second time too.
            p = compile(name, source, ids);
        }
        store(p, cached);
        return p;
    }

    private cl_program compile(String name, String source, cl_device_id[] ids) {
        cl_program p;
        try {
            p = clCreateProgramWithSource(device.context(), 1, new String[] {source}, null, null);
        } catch (CLException e) {
            throw new OpenClException(device.name(), device.name() + ": could not create program " + name + ": " + e.getMessage(), e);
        }
        try {
            clBuildProgram(p, 1, ids, options, null, null);
        } catch (CLException e) {
            String log = buildLog(p);
            clReleaseProgram(p);
            throw new OpenClException(device.name(), device.name() + " (" + device.info().name() + "): program " + name
                    + " failed to build: " + e.getMessage() + "\n" + log, e);
        }
        return p;
    }

    private String buildLog(cl_program p) {
        try {
            long[] size = new long[1];
            clGetProgramBuildInfo(p, device.id(), CL_PROGRAM_BUILD_LOG, 0, null, size);
            byte[] log = new byte[(int) size[0]];
            clGetProgramBuildInfo(p, device.id(), CL_PROGRAM_BUILD_LOG, log.length, Pointer.to(log), null);
            return new String(log, StandardCharsets.UTF_8).trim();
        } catch (CLException e) {
            return "(no build log: " + e.getMessage() + ")";
        }
    }

    /** Keeps the built binary for the next process; a cache that cannot be written only costs the next compile. */
    private static void store(cl_program p, Path file) {
        try {
            long[] size = new long[1];
            clGetProgramInfo(p, CL_PROGRAM_BINARY_SIZES, Sizeof.size_t, Pointer.to(size), null);
            if (size[0] <= 0) return;
            byte[] binary = new byte[(int) size[0]];
            clGetProgramInfo(p, CL_PROGRAM_BINARIES, Sizeof.POINTER, Pointer.to(new Pointer[] {Pointer.to(binary)}), null);
            replace(file, binary);
        } catch (IOException | CLException | UnsupportedOperationException e) {
            // best effort
        }
    }

    /**
     * Writes {@code bytes} to {@code file} whole or not at all (a temporary file moved over it), so that a process
     * reading the cache meanwhile never sees half a file.
     */
    static void replace(Path file, byte[] bytes) throws IOException {
        Files.createDirectories(file.getParent());
        Path tmp = Files.createTempFile(file.getParent(), "cache", ".tmp");
        Files.write(tmp, bytes);
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    static Path cacheDir() {
        String xdg = System.getenv("XDG_CACHE_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
        return base.resolve("jengine").resolve("opencl");
    }

    static String resource(String name) {
        try (InputStream in = ProgramCache.class.getResourceAsStream(name)) {
            if (in == null) throw new IllegalStateException("OpenCL source " + name + " is missing from the jar");
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String sha256(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
