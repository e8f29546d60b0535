package io.jengine.tune.device;

import io.jengine.spi.CacheSizes;
import java.io.IOException;
import java.io.PrintStream;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import jdk.incubator.vector.FloatVector;

/**
 * The machine as the tuner's micro-performance model sees it (in the manner of Roller): the capacity and one-core
 * read bandwidth of each memory level, and the peak FP32 compute, so that a tactic's time can be estimated from the
 * bytes it moves at each level and the FLOPs it does. Measured once by short micro-benchmarks (about a second) and
 * cached per {@link #fingerprint}, which covers what changes a tactic's speed and nothing that varies run to run.
 *
 * @param fingerprint       the first 16 hex digits of the SHA-256 of {@code identity}: names the cache file and keys
 *                          the timing caches
 * @param identity          what the fingerprint hashes, readable: CPU model, relevant SIMD flags, cores, float lanes,
 *                          native libraries, Java feature version
 * @param cpuModel          the CPU's model name
 * @param cores             the processors this JVM may use
 * @param floatLanes        float lanes of the preferred vector species
 * @param l1dBytes          level-1 data cache capacity
 * @param l2Bytes           level-2 cache capacity
 * @param l3Bytes           level-3 cache capacity
 * @param cacheSource       where the capacities came from: the sysfs directory, {@code "probed (latency steps)"}, or
 *                          {@code "defaults (why)"}
 * @param peakGflopsPerCore FP32 FMA peak of one thread, GFLOP/s
 * @param peakGflops        FP32 FMA peak of all cores together, GFLOP/s
 * @param l1GBps            read bandwidth of one core streaming a buffer that fits L1d, GB/s
 * @param l2GBps            the same for a buffer that fits L2
 * @param l3GBps            the same for a buffer that fits L3
 * @param dramGBps          the same for a buffer far larger than L3
 * @param libraries         the native libraries the backends loaded, each "name version", as the caller gave them
 */
public record DeviceDescription(
        String fingerprint,
        String identity,
        String cpuModel,
        int cores,
        int floatLanes,
        long l1dBytes, long l2Bytes, long l3Bytes,
        String cacheSource,
        double peakGflopsPerCore,
        double peakGflops,
        double l1GBps, double l2GBps, double l3GBps, double dramGBps,
        List<String> libraries) {

    /** Per process, so that a cache that cannot be written still costs one measurement, not one per call. */
    private static final Map<String, DeviceDescription> KNOWN = new ConcurrentHashMap<>();

    /** Checks that every number is one a model can divide by. */
    public DeviceDescription {
        Objects.requireNonNull(fingerprint, "fingerprint");
        Objects.requireNonNull(identity, "identity");
        Objects.requireNonNull(cpuModel, "cpuModel");
        Objects.requireNonNull(cacheSource, "cacheSource");
        libraries = List.copyOf(Objects.requireNonNull(libraries, "libraries"));
        if (cores < 1 || floatLanes < 1) {
            throw new IllegalArgumentException("cores and float lanes must be positive, got " + cores + " and " + floatLanes);
        }
        if (l1dBytes <= 0 || l2Bytes <= 0 || l3Bytes <= 0) {
            throw new IllegalArgumentException(
                    "cache sizes must be positive, got " + l1dBytes + ", " + l2Bytes + ", " + l3Bytes);
        }
        for (double v : new double[] {peakGflopsPerCore, peakGflops, l1GBps, l2GBps, l3GBps, dramGBps}) {
            if (!(v > 0) || Double.isInfinite(v)) {
                throw new IllegalArgumentException("peaks and bandwidths must be positive and finite, got " + v);
            }
        }
    }

    /**
     * This machine's description: the one cached for its fingerprint ({@code ~/.cache/jengine/device/<fingerprint>.json},
     * under {@code $XDG_CACHE_HOME} where that is set), or else measured (about a second, announced by one line on
     * {@code progress}) and cached. A damaged or unreadable cache file is measured again; a cache that cannot be
     * written costs one note on {@code progress}. Looked up once per process and libraries.
     *
     * @param libraries the native libraries the backends loaded, each "name version" (part of the fingerprint)
     * @param progress  where the measurement is announced
     */
    public static DeviceDescription host(List<String> libraries, PrintStream progress) {
        String identity = hostIdentity(libraries);
        return KNOWN.computeIfAbsent(identity, id -> loadOrMeasure(id, libraries, progress, DeviceCache.standard()));
    }

    /**
     * This machine's fingerprint alone, as {@link #host} would describe it, without reading or measuring the
     * description: what loading a plan compares with the one it was tuned on.
     *
     * @param libraries the native libraries the backends loaded, each "name version"
     */
    public static String hostFingerprint(List<String> libraries) {
        return Fingerprint.of(hostIdentity(libraries));
    }

    /**
     * Measures this machine anew and rewrites its cache file, as {@link #host} does when there is none.
     *
     * @param libraries the native libraries the backends loaded, each "name version" (part of the fingerprint)
     * @param progress  where the measurement is announced
     */
    public static DeviceDescription measure(List<String> libraries, PrintStream progress) {
        String identity = hostIdentity(libraries);
        DeviceDescription d = measure(identity, libraries, progress, DeviceCache.standard());
        KNOWN.put(identity, d);
        return d;
    }

    /**
     * What makes these numbers impossible for a machine running compiled code, if anything: a measurement taken while
     * the probes still ran the Vector API's uncompiled fallback (a JVM whose compilers were held up by other work)
     * reads one or two orders of magnitude low, and a cost model built on it mis-predicts every layer by as much.
     * Checked against floors that any core running compiled vector code exceeds (one vector FMA, one vector load,
     * every four cycles at 1 GHz) and against each other: one core alone does at least its share of all cores
     * together, and a level nearer the core reads at least about as fast as one farther away.
     */
    public Optional<String> implausibility() {
        double computeFloor = floatLanes * 0.5, loadFloor = floatLanes * Float.BYTES * 0.25;
        if (peakGflopsPerCore < computeFloor) {
            return Optional.of(String.format("one core's FP32 peak %.3g GFLOP/s is below %.3g, what one "
                    + "%d-lane vector FMA every four cycles at 1 GHz gives", peakGflopsPerCore, computeFloor, floatLanes));
        }
        if (peakGflopsPerCore * cores * TOLERANCE < peakGflops) {
            return Optional.of(String.format("one core's FP32 peak %.3g GFLOP/s is below its share of all "
                    + "%d cores' %.3g", peakGflopsPerCore, cores, peakGflops));
        }
        if (l1GBps < loadFloor) {
            return Optional.of(String.format("the L1 read bandwidth %.3g GB/s is below %.3g, what one "
                    + "%d-byte vector load every four cycles at 1 GHz gives", l1GBps, loadFloor, floatLanes * Float.BYTES));
        }
        String[] names = {"L1", "L2", "L3", "DRAM"};
        double[] levels = {l1GBps, l2GBps, l3GBps, dramGBps};
        for (int i = 0; i + 1 < levels.length; i++) {
            for (int j = i + 1; j < levels.length; j++) {
                if (levels[i] * TOLERANCE < levels[j]) {
                    return Optional.of(String.format("the %s read bandwidth %.3g GB/s is below %s's %.3g",
                            names[i], levels[i], names[j], levels[j]));
                }
            }
        }
        return Optional.empty();
    }

    /** How far two measured numbers may stray from the order they must have before one counts as disturbed. */
    private static final double TOLERANCE = 1.5;

    /**
     * The best of each number of this description and {@code other} (a peak is what the machine can do: a lower
     * figure was disturbed), for two measurements of the same device.
     */
    DeviceDescription bestOf(DeviceDescription other) {
        return new DeviceDescription(fingerprint, identity, cpuModel, cores, floatLanes, l1dBytes, l2Bytes, l3Bytes,
                cacheSource, Math.max(peakGflopsPerCore, other.peakGflopsPerCore), Math.max(peakGflops, other.peakGflops),
                Math.max(l1GBps, other.l1GBps), Math.max(l2GBps, other.l2GBps), Math.max(l3GBps, other.l3GBps),
                Math.max(dramGBps, other.dramGBps), libraries);
    }

    /**
     * The one-core read bandwidth, GB/s, for a working set of {@code bytes}: that of the smallest level it fits in,
     * or of DRAM beyond L3.
     */
    public double bandwidthFor(long bytes) {
        if (bytes <= l1dBytes) return l1GBps;
        if (bytes <= l2Bytes) return l2GBps;
        if (bytes <= l3Bytes) return l3GBps;
        return dramGBps;
    }

    static String hostIdentity(List<String> libraries) {
        return Fingerprint.identity(CpuIdentity.host(), Runtime.getRuntime().availableProcessors(),
                FloatVector.SPECIES_PREFERRED.length(), libraries, Runtime.version().feature());
    }

    static DeviceDescription loadOrMeasure(String identity, List<String> libraries, PrintStream progress, DeviceCache cache) {
        return cache.load(Fingerprint.of(identity)).orElseGet(() -> measure(identity, libraries, progress, cache));
    }

    /** Measurements of a disturbed machine are taken again this many times in all before one is kept. */
    static final int ATTEMPTS = 3;

    static DeviceDescription measure(String identity, List<String> libraries, PrintStream progress, DeviceCache cache) {
        return measure(identity, libraries, progress, cache, () -> measureOnce(identity, libraries));
    }

    /**
     * Measures with {@code probe} until the description is plausible ({@link #implausibility}), at most
     * {@value #ATTEMPTS} times, keeping the best of each number across attempts; caches it only once it is plausible,
     * so that a machine too busy to measure now is measured again by the next process rather than mis-described for
     * good.
     */
    static DeviceDescription measure(String identity, List<String> libraries, PrintStream progress, DeviceCache cache,
                                     Supplier<DeviceDescription> probe) {
        String fingerprint = Fingerprint.of(identity);
        progress.println("measuring this device (caches, peak compute, bandwidth of each level; once, cached in "
                + cache.file(fingerprint) + ") ...");
        DeviceDescription d = probe.get();
        Optional<String> wrong = d.implausibility();
        for (int attempt = 1; attempt < ATTEMPTS && wrong.isPresent(); attempt++) {
            progress.println("note: the measurement was disturbed (" + wrong.get() + "); measuring again");
            d = d.bestOf(probe.get());
            wrong = d.implausibility();
        }
        if (wrong.isPresent()) {
            progress.println("note: this device could not be measured undisturbed in " + ATTEMPTS + " attempts ("
                    + wrong.get() + "); tuning uses these numbers, and the next build measures again");
            return d;
        }
        try {
            cache.store(d);
        } catch (IOException | RuntimeException e) {
            progress.println("note: could not cache the device description in " + cache.file(fingerprint) + ": " + e);
        }
        return d;
    }

    private static DeviceDescription measureOnce(String identity, List<String> libraries) {
        int cores = Runtime.getRuntime().availableProcessors();
        CacheSizes caches = CacheSizes.fromSysfs(CacheSizes.SYS_CACHE)
                .orElseGet(() -> CacheProbe.probe(CacheSizes.SYS_CACHE + " is hidden"));
        PeakProbe.Compute compute = PeakProbe.fmaGflops(cores);
        // Half a level leaves room for what else lives there. DRAM needs a buffer no cache can hold, within what
        // native memory allows (by default as much as the heap).
        double l1 = PeakProbe.readGBps(caches.l1d() / 2), l2 = PeakProbe.readGBps(caches.l2() / 2);
        double l3 = PeakProbe.readGBps(caches.l3() / 2);
        long dramBytes = Math.max(4 * caches.l3(), 64L << 20);
        double dram = PeakProbe.readGBps(Math.min(dramBytes, Math.max(Runtime.getRuntime().maxMemory() / 4, 4 * caches.l2())));
        return new DeviceDescription(Fingerprint.of(identity), identity, CpuIdentity.host().model(), cores,
                FloatVector.SPECIES_PREFERRED.length(), caches.l1d(), caches.l2(), caches.l3(), caches.source(),
                compute.perCore(), compute.allCores(), l1, l2, l3, dram, libraries);
    }
}
