package io.jengine.cpu.nativelib;

import io.jengine.spi.Kernel;
import io.jengine.spi.KernelContext;
import io.jengine.spi.NodeContext;
import io.jengine.spi.PackedPart;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * The packed parts ({@link PackedPart}) of the kernel being prepared on this thread: the oneDNN primitives it creates
 * take their reordered weights from a plan's stored parts where the form matches ({@link #stored}) and report what
 * they derived ({@link #made}), and the kernel comes out of {@link #preparing} answering {@link Kernel#packed} with
 * those parts. Parts are named in the order the kernel's preparation asks for them, which is fixed for a given node,
 * tactic and library: the same preparation on load asks for the same names.
 *
 * <p>Kept per thread during one preparation (a scoped value) rather than passed down, because the primitives sit
 * several layers below the tactic (a Winograd convolution's products, an output-channel slice's convolution); outside
 * a preparation ({@link #current} null) everything is derived, as before plans stored anything.
 */
final class Packing {
    private static final ScopedValue<Packing> CURRENT = ScopedValue.newInstance();

    private final NodeContext node;
    private final List<PackedPart> made = new ArrayList<>();
    private final java.util.Map<String, Integer> counts = new java.util.HashMap<>();
    /** Work that fills the source the next primitives reorder from, run only when one of them has to derive. */
    private Runnable pendingSource;

    private Packing(NodeContext node) { this.node = node; }

    /** Prepares a kernel of {@code node}, which then reports the parts its primitives derived or took as stored. */
    static Kernel preparing(NodeContext node, Supplier<Kernel> prepare) {
        Packing p = new Packing(node);
        Kernel k = ScopedValue.where(CURRENT, p).call(prepare::get);
        return p.made.isEmpty() ? k : new WithParts(k, List.copyOf(p.made));
    }

    /** The preparation running on this thread, or null. */
    static Packing current() { return CURRENT.isBound() ? CURRENT.get() : null; }

    /** The next name for a part of {@code kind}: {@code kind0}, {@code kind1}, ... in the order they are asked for. */
    String nextName(String kind) {
        int i = counts.merge(kind, 1, Integer::sum) - 1;
        return kind + i;
    }

    /** The bytes the plan stored for part {@code name} in {@code form} with exactly {@code bytes} bytes, or null. */
    MemorySegment stored(String name, String form, long bytes) {
        MemorySegment s = node.stored(name, form);
        return s != null && s.byteSize() == bytes ? s : null;
    }

    /** Reports a part the kernel holds (derived now or taken as stored), for the plan to keep. */
    void made(String name, String form, MemorySegment bytes) { made.add(new PackedPart(name, form, bytes)); }

    /**
     * Zeroed memory for a part derived now, which the engine's later plans may share ({@link #share}): the engine's,
     * or null where it keeps none (the caller allocates its own).
     */
    MemorySegment sharedMemory(long bytes, long alignment) { return node.derivedMemory(bytes, alignment); }

    /** Offers a part derived now into {@link #sharedMemory} (or GC-managed memory) to the engine's later plans. */
    void share(String name, String form, MemorySegment bytes) { node.derived(name, form, bytes); }

    /**
     * Defers the work that produces the source the next primitives reorder from (a Winograd layer's transformed
     * weights): it runs once, when the first of them finds no stored part ({@link #sourceNeeded}), and not at all when
     * every one was stored.
     */
    void deferSource(Runnable fill) { pendingSource = fill; }

    /** Called before reading the source: runs the deferred work that fills it, once. */
    void sourceNeeded() {
        Runnable r = pendingSource;
        pendingSource = null;
        if (r != null) r.run();
    }

    /** Ends a deferral: the source is no longer read after this (its memory is freed). */
    void sourceDone() { pendingSource = null; }

    /** A kernel answering {@link #packed} with its preparation's parts; all else is the kernel's own. */
    private record WithParts(Kernel kernel, List<PackedPart> parts) implements Kernel {
        @Override public void run(KernelContext ctx) { kernel.run(ctx); }
        @Override public int inPlaceInput() { return kernel.inPlaceInput(); }
        @Override public int viewOf() { return kernel.viewOf(); }
        @Override public boolean compiledByJit() { return kernel.compiledByJit(); }
        @Override public void close() { kernel.close(); }
        @Override public double simulatedSeconds() { return kernel.simulatedSeconds(); }
        @Override public List<PackedPart> packed() { return parts; }
    }
}
