package io.jengine.spi;

import io.jengine.tensor.DType;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Value kernels ({@link ValueKernel}: the reference form) keyed as ONNX Runtime keys them: (domain, op type, opset version range, element types). A lookup for a node
 * written against opset {@code v} takes the registration with the greatest {@code sinceVersion <= v}, as ONNX's own
 * operator versioning does.
 */
public final class KernelRegistry {

    /** One registration. {@code dtypes} empty means the kernel accepts any element type of its first input. */
    public record Entry(String domain, String opType, int sinceVersion, Set<DType> dtypes, ValueKernelFactory factory) {}

    private final Map<String, List<Entry>> byOp = new HashMap<>();

    private static String key(String domain, String opType) {
        return (domain == null || domain.equals("ai.onnx") ? "" : domain) + "::" + opType;
    }

    /** Registers an ONNX-domain kernel valid from {@code sinceVersion} until a later registration takes over. */
    public KernelRegistry add(String opType, int sinceVersion, ValueKernelFactory factory) {
        return add("", opType, sinceVersion, Set.of(), factory);
    }

    public KernelRegistry add(String domain, String opType, int sinceVersion, Set<DType> dtypes,
                              ValueKernelFactory factory) {
        List<Entry> l = byOp.computeIfAbsent(key(domain, opType), k -> new ArrayList<>());
        l.add(new Entry(domain == null ? "" : domain, opType, sinceVersion, Set.copyOf(dtypes), factory));
        l.sort(Comparator.comparingInt(Entry::sinceVersion));
        return this;
    }

    /** The registration in force at {@code opsetVersion}, or null when none is. */
    public Entry find(String domain, String opType, int opsetVersion) {
        List<Entry> l = byOp.get(key(domain, opType));
        if (l == null) return null;
        Entry best = null;
        for (Entry e : l) if (e.sinceVersion() <= opsetVersion) best = e;
        return best;
    }

    public boolean knowsOp(String domain, String opType) { return byOp.containsKey(key(domain, opType)); }

    /** Every registration, for listings. */
    public List<Entry> entries() {
        List<Entry> all = new ArrayList<>();
        byOp.values().forEach(all::addAll);
        all.sort(Comparator.comparing(Entry::domain).thenComparing(Entry::opType)
                .thenComparingInt(Entry::sinceVersion));
        return all;
    }
}
