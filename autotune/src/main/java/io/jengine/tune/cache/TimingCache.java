package io.jengine.tune.cache;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The tuner's timing cache: measured times of tactics per layer signature, kept in a JSON file so that a later build
 * skips timing what was already timed. Like TensorRT's timing cache, a timing only counts on the device and engine
 * version that measured it: entries of others stay in the file, for whoever shares it, but are never returned.
 *
 * <p>Problems with the file's content never fail a build: they give one warning and the cache starts empty. Several
 * builds may use one file at once; {@link #save()} merges rather than overwrites. The methods are thread-safe.
 */
public final class TimingCache {
    private final String fingerprint;
    private final String engineVersion;
    private final TimingCacheFile file;
    private final Consumer<String> warn;
    /** This device's entries as read from the file at open. */
    private final Map<TimingKey, Timing> loaded = new HashMap<>();
    /** Entries put since open: what this build measured, and what wins when merging. */
    private final Map<TimingKey, Timing> measured = new HashMap<>();
    /** Whether the file's content was already reported as unusable, so that replacing it need not be reported again. */
    private boolean warnedUnusable;

    private TimingCache(String fingerprint, String engineVersion, TimingCacheFile file, Consumer<String> warn) {
        this.fingerprint = Objects.requireNonNull(fingerprint, "fingerprint");
        this.engineVersion = Objects.requireNonNull(engineVersion, "engineVersion");
        this.file = file;
        this.warn = warn;
    }

    /**
     * An empty cache that lives in memory only (no {@code --timing-cache} given).
     *
     * @param fingerprint the device fingerprint the timings are measured on
     * @param engineVersion the engine version measuring them
     */
    public static TimingCache inMemory(String fingerprint, String engineVersion) {
        return new TimingCache(fingerprint, engineVersion, null, message -> {});
    }

    /**
     * Opens the cache file, which need not exist. Only the entries of this device fingerprint and engine version are
     * returned; the others stay in the file. A file that cannot be read or parsed (corrupt, truncated, not a timing
     * cache, a newer format version), or that holds entries only for other devices or versions, gives exactly one
     * warning line naming the file and why, and the cache starts empty. Entries with bad values are skipped and
     * counted in that one warning. Never throws for the file's content.
     *
     * @param file the cache file
     * @param fingerprint the device fingerprint the timings are measured on
     * @param engineVersion the engine version measuring them
     * @param warn receives the warning line, if any; also a later one should {@link #save()} find the file damaged
     */
    public static TimingCache open(Path file, String fingerprint, String engineVersion, Consumer<String> warn) {
        TimingCache cache = new TimingCache(fingerprint, engineVersion,
                new TimingCacheFile(Objects.requireNonNull(file, "file")), Objects.requireNonNull(warn, "warn"));
        cache.load();
        return cache;
    }

    private void load() {
        CacheContents contents;
        try {
            contents = file.read();
        } catch (IOException e) {
            warn.accept("timing cache " + file.path() + " could not be read (" + e + "); starting with an empty cache");
            return;
        }
        switch (contents) {
            case CacheContents.Missing missing -> {}
            case CacheContents.Unusable unusable -> {
                warnedUnusable = true;
                warn.accept("timing cache " + file.path() + " ignored: " + unusable.reason()
                        + "; starting with an empty cache, saving replaces the file");
            }
            case CacheContents.Entries entries -> {
                entries.entries().forEach((key, timing) -> {
                    if (key.belongsTo(fingerprint, engineVersion)) loaded.put(key, timing);
                });
                String skipped = entries.skipped() == 0 ? ""
                        : "skipped " + entries.skipped() + (entries.skipped() == 1 ? " entry" : " entries")
                                + " with bad values (" + entries.firstSkipReason() + ")";
                if (loaded.isEmpty() && !entries.entries().isEmpty()) {
                    warn.accept("timing cache " + file.path() + " has no timings for device " + fingerprint
                            + " with engine " + engineVersion + ": its " + entries.entries().size()
                            + " entries are for other devices or engine versions (kept in the file)"
                            + (skipped.isEmpty() ? "" : "; " + skipped));
                } else if (!skipped.isEmpty()) {
                    warn.accept("timing cache " + file.path() + ": " + skipped);
                }
            }
        }
    }

    /** The timing of a tactic on a layer signature, if one was measured on this device with this engine version. */
    public synchronized Optional<Timing> get(String signature, String tacticKey) {
        TimingKey key = key(signature, tacticKey);
        Timing timing = measured.get(key);
        return Optional.ofNullable(timing != null ? timing : loaded.get(key));
    }

    /** Records a timing measured on this device with this engine version, replacing any earlier one. */
    public synchronized void put(String signature, String tacticKey, Timing timing) {
        measured.put(key(signature, tacticKey), Objects.requireNonNull(timing, "timing"));
    }

    /** Entries put since open (for the build summary); a key put twice counts once. */
    public synchronized int added() { return measured.size(); }

    /** Number of entries usable on this device/version. */
    public synchronized int size() {
        int size = loaded.size();
        for (TimingKey key : measured.keySet()) {
            if (!loaded.containsKey(key)) size++;
        }
        return size;
    }

    /**
     * Writes the file: under an exclusive lock on a sibling {@code <name>.lock} file, re-reads what is on disk now,
     * merges (entries put into this cache win on the same key; entries of other devices and versions are kept),
     * writes a temporary file in the same directory and moves it over the file in one step, so that concurrent builds
     * never corrupt it and none loses another's entries. A missing directory is created; a damaged file on disk is
     * replaced. Does nothing for an in-memory cache, and leaves the file untouched when it already holds everything.
     *
     * @throws UncheckedIOException naming the file, if reading or writing it fails
     */
    public void save() {
        if (file == null) return;
        Map<TimingKey, Timing> loadedNow, measuredNow;
        synchronized (this) {
            loadedNow = Map.copyOf(loaded);
            measuredNow = Map.copyOf(measured);
        }
        try {
            file.update(onDisk -> merge(onDisk, loadedNow, measuredNow));
        } catch (IOException e) {
            throw new UncheckedIOException("could not save timing cache " + file.path() + ": " + e.getMessage(), e);
        }
    }

    /** What to write over {@code onDisk}, or {@code null} if it already holds everything. */
    private Map<TimingKey, Timing> merge(CacheContents onDisk, Map<TimingKey, Timing> loadedNow,
                                         Map<TimingKey, Timing> measuredNow) {
        Map<TimingKey, Timing> merged = new HashMap<>();
        boolean changed = switch (onDisk) {
            case CacheContents.Missing missing -> true;
            case CacheContents.Entries entries -> {
                merged.putAll(entries.entries());
                yield false;
            }
            case CacheContents.Unusable unusable -> {
                warnIfFirst(unusable);
                yield true;
            }
        };
        // What was read at open only fills gaps: the file may since hold a newer measurement of the same key.
        for (Map.Entry<TimingKey, Timing> e : loadedNow.entrySet()) {
            if (merged.putIfAbsent(e.getKey(), e.getValue()) == null) changed = true;
        }
        for (Map.Entry<TimingKey, Timing> e : measuredNow.entrySet()) {
            if (!e.getValue().equals(merged.put(e.getKey(), e.getValue()))) changed = true;
        }
        return changed ? merged : null;
    }

    /** The file turned bad after open (someone else wrote it): say so once, as open would have. */
    private synchronized void warnIfFirst(CacheContents.Unusable unusable) {
        if (warnedUnusable) return;
        warnedUnusable = true;
        warn.accept("timing cache " + file.path() + " replaced: " + unusable.reason());
    }

    private TimingKey key(String signature, String tacticKey) {
        return new TimingKey(fingerprint, engineVersion, Objects.requireNonNull(signature, "signature"),
                Objects.requireNonNull(tacticKey, "tacticKey"));
    }
}
