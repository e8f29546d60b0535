package io.jengine.spi;

/**
 * A prepared, executable operator instance: created once per node and concrete input shapes by a {@link Tactic}
 * (attributes decoded, constant weights packed), then run any number of times, possibly by several sessions at once,
 * so a kernel keeps no per-run state.
 *
 * <p>A kernel runs on buffers it is handed: it reads {@link KernelContext#input}s and writes the tensors
 * {@link KernelContext#output} gives it, which the memory plan has placed in the session's arena when shapes are
 * static. It never returns memory of its own on the hot path, and never writes into its inputs unless it declared
 * {@link #inPlaceInput()}.
 */
@FunctionalInterface
public interface Kernel {
    /** Computes the node's outputs into the buffers {@code ctx} hands out. */
    void run(KernelContext ctx);

    /**
     * The input whose buffer output 0 may share, for kernels that can compute in place (activations, elementwise
     * ops whose output has the input's shape and type), or -1. The planner gives the output the input's memory only
     * when the input is not read again later; the kernel must be correct both ways.
     */
    default int inPlaceInput() { return -1; }

    /**
     * The input of which output 0 is a view (the same bytes under another shape: Reshape, Flatten, Squeeze,
     * Unsqueeze, Identity), or -1. Where the planner can, it makes the view once per session and skips the kernel.
     */
    default int viewOf() { return -1; }

    /**
     * Whether the kernel never reads input {@code i} where it runs: it took what it needs from the constant when it
     * was prepared (a device kernel that uploaded its weights in the form it reads them, or read a scale as a number).
     * The plan then does not copy that input to the kernel's device, where it would be a second copy of the weights.
     * False by default.
     */
    default boolean holdsInput(int i) { return false; }

    /**
     * Whether the kernel's work is Java code, which runs many times slower until the JIT compiler has compiled it, so
     * that timing it early in a JVM's life measures the compiler, not the kernel (the tuner then waits for the
     * compiler to go quiet first). A kernel whose work is a native library's returns false; one that follows the
     * library's work with a pass of its own (an activation the library cannot compute exactly) returns true, and one
     * whose pass runs only on some runs may answer for its last run: the tuner asks after every run.
     */
    default boolean compiledByJit() { return true; }

    /**
     * Frees what the kernel holds outside the Java heap (native primitives, reordered weights) at once, instead of
     * whenever the garbage collector finds the kernel unreachable: the engine calls it once, when it closes and no
     * run is in flight, so that unloading a model returns its memory. The kernel is never run afterwards.
     */
    default void close() {}

    /**
     * The constant data this kernel derived from its node's constant inputs when it was prepared, for a plan file to
     * keep (see {@link PackedPart}); each part's bytes stay valid as long as the kernel is open. None by default.
     */
    default java.util.List<PackedPart> packed() { return java.util.List.of(); }

    /**
     * For a kernel of a simulated device (an accelerator modelled, not present): the seconds the device would take
     * for one run of this layer by its model, its memory traffic included and the host link excluded (the plan's
     * copies are costed by {@link Device#transferSeconds}). The tuner takes it as the layer's measured time; NaN (the
     * default) for a kernel whose time is measured by running it.
     */
    default double simulatedSeconds() { return Double.NaN; }
}
