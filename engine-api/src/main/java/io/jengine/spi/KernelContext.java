package io.jengine.spi;

import io.jengine.tensor.DType;
import io.jengine.tensor.Tensor;
import io.jengine.tensor.Value;

/** What a {@link Kernel} sees while it runs: its inputs, the buffers for its outputs, the run's thread budget. */
public interface KernelContext extends ExecutionContext {
    /** How many inputs the node names (omitted optional ones included). */
    int inputCount();

    /** How many outputs the node lists (unnamed optional ones included). */
    int outputCount();

    /** Input {@code i}, or null where an optional input is omitted. */
    Value input(int i);

    /** Input {@code i} as a tensor; an error naming the input when it is missing or not a tensor. */
    default Tensor tensor(int i) {
        Value v = input(i);
        if (v instanceof Tensor t) return t;
        throw new IllegalArgumentException("input " + i + " must be a tensor, got "
                + (v == null ? "nothing" : v.describe()));
    }

    /**
     * The tensor to write output {@code i} into: the buffer the memory plan placed for it when the plan knew this
     * shape and type, else a new one. Its contents are undefined (not zeroed) when it comes from the plan. An output
     * the node leaves unnamed gets a scratch tensor nobody reads.
     */
    Tensor output(int i, DType dtype, long... shape);

    /**
     * Sets output {@code i} to a value the kernel made itself (a sequence, an optional, a tensor of data-dependent
     * size); ignored for an output the node leaves unnamed.
     */
    void setOutput(int i, Value value);

    /**
     * The session's memory on the device of the running kernel's backend ({@link Backend#device()}), where the
     * device copies of its inputs are current and its outputs are to be written; null for a kernel on the host.
     */
    default DeviceMemory deviceMemory() { return null; }

    /** How many threads the kernel may use (the engine's intra-op setting), through {@link IntraOpPool#shared()}. */
    int threads();

    /**
     * A bound on input {@code i} in this run: every value of it is finite and no greater than this in magnitude; NaN
     * where nothing is known (the default). A graph input's bound is measured when first asked for; an intermediate's
     * is whatever its producer declared ({@link #outputBound}). A kernel uses it to prove that its arithmetic cannot
     * overflow, e.g. that no NaN can arise where a library's fused activation would not keep one.
     */
    default float inputBound(int i) { return Float.NaN; }

    /**
     * Declares a bound on output {@code i} as {@link #inputBound} defines it, for the kernels that read it; a kernel
     * that declares none leaves it unknown. It must hold for every value the kernel wrote, NaN and infinities
     * excluded: a bound that is wrong lets a later kernel drop a NaN the reference keeps.
     */
    default void outputBound(int i, float bound) {}
}
