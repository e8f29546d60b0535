package io.jengine.cpu.nativelib;

import io.jengine.spi.IntraOpPool;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import java.util.Properties;

/**
 * Finds oneDNN and OpenBLAS in their bytedeco classifier jars, extracts them once to
 * {@code ${XDG_CACHE_HOME:-~/.cache}/jengine/native/<lib>-<version>/} and loads them, each at most once per JVM.
 * Where a library cannot load (another OS or CPU, a missing jar, a version the bindings were not written for) the
 * answer is {@link Optional#empty()} and {@link #dnnlStatus()} / {@link #openBlasStatus()} give the reason in one
 * line; nothing here throws.
 *
 * <p>Loading uses {@link SymbolLookup#libraryLookup(Path, Arena)} only (dlopen with RTLD_LOCAL). That suffices
 * because the dynamic linker resolves a library's DT_NEEDED entries against objects already loaded, matched by
 * soname, whatever their RTLD flags: opening libOpenCL.so.1 before libdnnl.so.3 (which links it but lives in another
 * folder) or libquadmath before libgfortran (which has no RUNPATH) makes them found. Symbols of a dependency are then
 * resolved in the dependent's own scope, so no RTLD_GLOBAL and no {@code System.load} is needed.
 */
public final class NativeLibraries {
    private static final int DNNL_MAJOR = 3;
    private static final int DNNL_MINOR = 8;
    private static final int DNNL_RUNTIME_OMP = 2;
    private static final String OPENBLAS_VERSION = "0.3.30";

    private NativeLibraries() {}

    /** A load's result: the library, or empty with the reason; {@code status} is one line either way. */
    record Outcome(Optional<NativeLibrary> library, String status) {
        static Outcome failed(String what, Throwable e) {
            String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            return new Outcome(Optional.empty(), what + " unavailable: " + message.replace('\n', ' '));
        }
    }

    // Holder classes: each library is loaded on first use, once, and never by a JVM that does not ask for it.
    private static final class DnnlHolder {
        static final Outcome OUTCOME = lendTeam(loadDnnl(NativeLibraries.class.getClassLoader()));
    }

    /** Property that, set to false, keeps the engine's pool on its own threads beside oneDNN's. */
    static final String SHARE_THREADS = "jengine.threads.shareOpenMp";

    /**
     * Lends oneDNN's OpenMP team to the engine's pool ({@link OpenMpTeam}) once oneDNN has loaded, unless
     * {@value #SHARE_THREADS} is false; the status line says which.
     */
    static Outcome lendTeam(Outcome loaded) {
        if (loaded.library().isEmpty()) return loaded;
        if (!Boolean.parseBoolean(System.getProperty(SHARE_THREADS, "true"))) {
            return new Outcome(loaded.library(), loaded.status() + "; the engine's pool keeps its own threads ("
                    + SHARE_THREADS + "=false)");
        }
        try {
            IntraOpPool.shared().useTeam(OpenMpTeam.of(loaded.library().get().symbols()));
            return new Outcome(loaded.library(), loaded.status() + "; the engine's pool runs on its OpenMP threads");
        } catch (ReflectiveOperationException | RuntimeException e) {
            return new Outcome(loaded.library(), loaded.status() + "; the engine's pool keeps its own threads: "
                    + e.getMessage());
        }
    }

    private static final class OpenBlasHolder {
        static final Outcome OUTCOME = loadOpenBlas(NativeLibraries.class.getClassLoader());
    }

    /** oneDNN's symbols and those of the libgomp it runs its threads with. */
    public static Optional<NativeLibrary> dnnl() {
        return DnnlHolder.OUTCOME.library();
    }

    /** One line: where oneDNN was loaded from, or why it was not. */
    public static String dnnlStatus() {
        return DnnlHolder.OUTCOME.status();
    }

    public static Optional<NativeLibrary> openBlas() {
        return OpenBlasHolder.OUTCOME.library();
    }

    /** One line: where OpenBLAS was loaded from (and the CPU kernel it chose), or why it was not. */
    public static String openBlasStatus() {
        return OpenBlasHolder.OUTCOME.status();
    }

    /** Whether this JVM runs on the one platform the jars carry builds for. */
    public static boolean isLinuxX86_64() {
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        String arch = System.getProperty("os.arch", "");
        return os.startsWith("linux") && (arch.equals("amd64") || arch.equals("x86_64"));
    }

    /** Loads oneDNN from the jars {@code loader} sees; never throws. */
    static Outcome loadDnnl(ClassLoader loader) { return loadDnnl(loader, LibraryExtractor.defaultRoot()); }

    /** As {@link #loadDnnl(ClassLoader)}, extracting under {@code root}. */
    static Outcome loadDnnl(ClassLoader loader, Path root) {
        try {
            requirePlatform();
            String omp = OpenMpEnvironment.preferShortSpinning(System.getenv());
            open(loader, LibraryBundle.OPENCL, root);
            Loaded dnnl = open(loader, LibraryBundle.DNNL, root);
            // By soname, not path: this is whichever libgomp libdnnl was bound to, even if another copy came first.
            SymbolLookup gomp = SymbolLookup.libraryLookup("libgomp.so.1", Arena.global());
            SymbolLookup symbols = dnnl.symbols().or(gomp);
            MemorySegment v = (MemorySegment) downcall(symbols, "dnnl_version",
                    FunctionDescriptor.of(ValueLayout.ADDRESS)).invokeExact();
            v = v.reinterpret(32); // dnnl_version_t: int major, minor, patch; const char *hash; unsigned cpu, gpu
            int major = v.get(ValueLayout.JAVA_INT, 0), minor = v.get(ValueLayout.JAVA_INT, 4);
            int patch = v.get(ValueLayout.JAVA_INT, 8), cpuRuntime = v.get(ValueLayout.JAVA_INT, 24);
            if (major != DNNL_MAJOR || minor != DNNL_MINOR) {
                return new Outcome(Optional.empty(), "oneDNN unavailable: the bindings are written for "
                        + DNNL_MAJOR + "." + DNNL_MINOR + ", the jar holds " + major + "." + minor + "." + patch);
            }
            if (cpuRuntime != DNNL_RUNTIME_OMP) {
                return new Outcome(Optional.empty(), "oneDNN unavailable: expected the OpenMP CPU runtime ("
                        + DNNL_RUNTIME_OMP + "), the library was built with runtime " + cpuRuntime);
            }
            NativeLibrary lib = new NativeLibrary("dnnl", dnnl.version(), dnnl.directory(), symbols);
            return new Outcome(Optional.of(lib), "oneDNN " + major + "." + minor + "." + patch
                    + " (OpenMP; " + omp + ") loaded from " + dnnl.directory() + dnnl.note());
        } catch (Throwable e) {
            return Outcome.failed("oneDNN", e);
        }
    }

    /** Loads OpenBLAS from the jar {@code loader} sees; never throws. */
    static Outcome loadOpenBlas(ClassLoader loader) { return loadOpenBlas(loader, LibraryExtractor.defaultRoot()); }

    /** As {@link #loadOpenBlas(ClassLoader)}, extracting under {@code root}. */
    static Outcome loadOpenBlas(ClassLoader loader, Path root) {
        try {
            requirePlatform();
            Loaded blas = open(loader, LibraryBundle.OPENBLAS, root);
            String config = cString(blas.symbols(), "openblas_get_config");
            String core = cString(blas.symbols(), "openblas_get_corename");
            if (!config.contains("OpenBLAS " + OPENBLAS_VERSION)) {
                return new Outcome(Optional.empty(), "OpenBLAS unavailable: the bindings are written for "
                        + OPENBLAS_VERSION + ", the library says '" + config.strip() + "'");
            }
            NativeLibrary lib = new NativeLibrary("openblas", blas.version(), blas.directory(), blas.symbols());
            return new Outcome(Optional.of(lib), "OpenBLAS " + OPENBLAS_VERSION + " (core " + core + ") loaded from "
                    + blas.directory() + blas.note());
        } catch (Throwable e) {
            return Outcome.failed("OpenBLAS", e);
        }
    }

    /** {@code note} is empty, or says why the cached copy was replaced. */
    private record Loaded(String version, Path directory, SymbolLookup symbols, String note) {}

    private static void requirePlatform() {
        if (!isLinuxX86_64()) {
            throw new UnsupportedOperationException("the jars carry linux-x86_64 builds only, this is "
                    + System.getProperty("os.name") + "/" + System.getProperty("os.arch"));
        }
    }

    /**
     * Extracts the bundle and opens its files in order; returns the lookup of the last one, the library itself. A
     * cache folder that cannot be written (a read-only home) falls back to one under java.io.tmpdir. A cached copy
     * that does not open (damaged on disk, or replaced by something else of the same size) is extracted again over
     * itself, once, before the library is given up.
     */
    private static Loaded open(ClassLoader loader, LibraryBundle bundle, Path root) throws IOException {
        String version = jarVersion(loader, bundle);
        Path dir = extract(loader, bundle, version, root, false);
        try {
            return new Loaded(version, dir, openAll(dir, bundle), "");
        } catch (IllegalArgumentException damaged) {
            Path again = extract(loader, bundle, version, root, true);
            try {
                return new Loaded(version, again, openAll(again, bundle),
                        " (extracted again: the cached copy did not open: " + damaged.getMessage() + ")");
            } catch (IllegalArgumentException still) {
                still.addSuppressed(damaged);
                throw still;
            }
        }
    }

    private static Path extract(ClassLoader loader, LibraryBundle bundle, String version, Path root, boolean replace)
            throws IOException {
        try {
            return new LibraryExtractor(root).extract(loader, bundle, version, replace);
        } catch (FileNotFoundException missing) {
            throw missing;
        } catch (IOException unwritable) {
            Path tmp = Path.of(System.getProperty("java.io.tmpdir"),
                    "jengine-native-" + System.getProperty("user.name", "user"));
            try {
                return new LibraryExtractor(tmp).extract(loader, bundle, version, replace);
            } catch (IOException alsoUnwritable) {
                alsoUnwritable.addSuppressed(unwritable);
                throw new IOException("cannot extract to " + root + " (" + unwritable.getMessage() + ") nor to " + tmp
                        + " (" + alsoUnwritable.getMessage() + ")");
            }
        }
    }

    private static SymbolLookup openAll(Path dir, LibraryBundle bundle) {
        SymbolLookup last = null;
        for (String file : bundle.loadOrder()) {
            last = openOne(dir, file, bundle.systemFirst().contains(file));
        }
        return last;
    }

    private static SymbolLookup openOne(Path dir, String file, boolean systemFirst) {
        if (systemFirst) {
            try {
                return SymbolLookup.libraryLookup(file, Arena.global());
            } catch (IllegalArgumentException notOnSystem) {
                // fall through to our copy
            }
        }
        try {
            return SymbolLookup.libraryLookup(dir.resolve(file), Arena.global());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("cannot open " + dir.resolve(file) + " (a dependency missing from the "
                    + "system, or a noexec cache folder?): " + e.getMessage(), e);
        }
    }

    private static String jarVersion(ClassLoader loader, LibraryBundle bundle) throws IOException {
        try (InputStream in = loader.getResourceAsStream(bundle.pomProperties())) {
            if (in == null) {
                throw new FileNotFoundException("jar " + bundle.artifact() + " is not on the class path ("
                        + bundle.pomProperties() + " not found)");
            }
            Properties p = new Properties();
            p.load(in);
            return p.getProperty("version", "unknown");
        }
    }

    private static String cString(SymbolLookup symbols, String function) throws Throwable {
        MemorySegment s = (MemorySegment) downcall(symbols, function, FunctionDescriptor.of(ValueLayout.ADDRESS))
                .invokeExact();
        return s.equals(MemorySegment.NULL) ? "" : s.reinterpret(4096).getString(0);
    }

    private static MethodHandle downcall(SymbolLookup symbols, String name, FunctionDescriptor fd) {
        MemorySegment address = symbols.find(name)
                .orElseThrow(() -> new IllegalArgumentException("symbol " + name + " not found"));
        return Linker.nativeLinker().downcallHandle(address, fd);
    }
}
