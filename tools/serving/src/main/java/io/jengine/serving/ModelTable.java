package io.jengine.serving;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.IntFunction;

/**
 * The versions served under each model name. Lookups, one per request, read immutable snapshots without a lock;
 * changes (loads, reloads, unloads: rare) are serialized and swap in a new snapshot, so that a request sees either
 * the old version or its replacement, never neither.
 */
final class ModelTable {
    /** Asks for the highest version loaded. */
    static final int LATEST = 0;

    private final Map<String, NavigableMap<Integer, ServedModel>> byName = new ConcurrentHashMap<>();
    private boolean closed;

    /** What a replacement installed and what it took the place of. */
    record Swap(ServedModel installed, ServedModel replaced) {}

    /** The version asked for ({@link #LATEST}: the highest), or null. */
    ServedModel find(String name, int version) {
        NavigableMap<Integer, ServedModel> versions = byName.get(name);
        if (versions == null) return null;
        return version == LATEST ? versions.lastEntry().getValue() : versions.get(version);
    }

    List<Integer> versions(String name) {
        NavigableMap<Integer, ServedModel> versions = byName.get(name);
        return versions == null ? List.of() : List.copyOf(versions.keySet());
    }

    List<String> names() { return byName.keySet().stream().sorted().toList(); }

    static IllegalArgumentException taken(String name, int version) {
        return new IllegalArgumentException("model " + ServedModel.label(name, version) + " is already loaded; "
                + "reload it to replace it");
    }

    /** The error for a name or version not loaded, naming what is. */
    ModelNotFoundException notFound(String name, int version) {
        List<Integer> loaded = versions(name);
        if (loaded.isEmpty() || version == LATEST) {
            return new ModelNotFoundException("no model '" + name + "' is loaded; the models loaded are " + names());
        }
        return new ModelNotFoundException("model '" + name + "' has no version " + version + "; its versions are "
                + loaded);
    }

    /**
     * Installs a new version made by {@code start} from its number: {@code version}, or ({@link #LATEST}) one above
     * the highest loaded.
     */
    synchronized ServedModel add(String name, int version, IntFunction<ServedModel> start) {
        checkOpen();
        NavigableMap<Integer, ServedModel> versions = byName.getOrDefault(name, Collections.emptyNavigableMap());
        int v = version != LATEST ? version : versions.isEmpty() ? 1 : versions.lastKey() + 1;
        if (versions.containsKey(v)) throw taken(name, v);
        ServedModel m = start.apply(v);
        put(name, versions, v, m);
        return m;
    }

    /** Replaces a loaded version ({@link #LATEST}: the highest) by the one {@code start} makes. */
    synchronized Swap replace(String name, int version, IntFunction<ServedModel> start) {
        checkOpen();
        NavigableMap<Integer, ServedModel> versions = byName.get(name);
        ServedModel old = versions == null ? null : find(name, version);
        if (old == null) throw notFound(name, version);
        ServedModel m = start.apply(old.version);
        put(name, versions, old.version, m);
        return new Swap(m, old);
    }

    /** Takes out a version ({@link #LATEST}: every version) and answers what it took out. */
    synchronized List<ServedModel> remove(String name, int version) {
        NavigableMap<Integer, ServedModel> versions = byName.get(name);
        ServedModel one = version == LATEST ? null : find(name, version);
        if (versions == null || (version != LATEST && one == null)) throw notFound(name, version);
        if (version == LATEST || versions.size() == 1) {
            byName.remove(name);
            return List.copyOf(versions.values());
        }
        TreeMap<Integer, ServedModel> rest = new TreeMap<>(versions);
        rest.remove(version);
        byName.put(name, Collections.unmodifiableNavigableMap(rest));
        return List.of(one);
    }

    /** Refuses further changes and answers every model still served, which stay findable while they drain. */
    synchronized List<ServedModel> close() {
        closed = true;
        List<ServedModel> all = new ArrayList<>();
        byName.values().forEach(v -> all.addAll(v.values()));
        return all;
    }

    private void put(String name, NavigableMap<Integer, ServedModel> versions, int version, ServedModel m) {
        TreeMap<Integer, ServedModel> next = new TreeMap<>(versions);
        next.put(version, m);
        byName.put(name, Collections.unmodifiableNavigableMap(next));
    }

    private void checkOpen() {
        if (closed) throw new ModelUnavailableException("the server is shutting down and loads no models");
    }
}
