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
}
