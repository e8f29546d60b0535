package io.jengine.spi;

import io.jengine.tensor.Value;

/**
 * A prepared, executable operator instance. Created once per node by a {@link KernelFactory} (attributes are read
 * there), then run any number of times, possibly from several threads at once: a kernel keeps no per-run state.
 */
@FunctionalInterface
public interface Kernel {
    /**
     * Computes the node's outputs.
     *
     * @param ctx    access to the run: sub-graph execution, the node being run
     * @param inputs one entry per node input, {@code null} where an optional input is omitted
     * @return one entry per node output, in order; {@code null} is allowed only for outputs the node does not name.
     *         A kernel must return fresh values, never one of its inputs (Identity copies).
     */
    Value[] run(ExecutionContext ctx, Value[] inputs);
}
