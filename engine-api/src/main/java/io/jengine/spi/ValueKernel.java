package io.jengine.spi;

import io.jengine.tensor.Value;

/**
 * A kernel written as a function from input values to fresh output values: the form of the reference kernels, whose
 * job is to be plainly right, and of ops whose output sizes depend on the data. The runtime adopts the values it
 * returns as the node's outputs instead of planned buffers, so such kernels allocate on every run.
 */
@FunctionalInterface
public interface ValueKernel extends Kernel {
    /**
     * Computes the node's outputs.
     *
     * @param ctx    access to the run: sub-graph execution, the node being run
     * @param inputs one entry per node input, {@code null} where an optional input is omitted
     * @return one entry per node output, in order; {@code null} is allowed only for outputs the node does not name,
     *         and entries beyond the node's outputs are ignored.
     *         Values must be fresh, never one of the inputs (Identity copies).
     */
    Value[] run(ExecutionContext ctx, Value[] inputs);

    @Override
    default void run(KernelContext ctx) {
        Value[] in = new Value[ctx.inputCount()];
        for (int i = 0; i < in.length; i++) in[i] = ctx.input(i);
        Value[] out = run(ctx, in);
        if (out == null) throw new IllegalStateException("kernel returned no outputs");
        for (int i = 0; i < Math.min(out.length, ctx.outputCount()); i++) {
            if (out[i] != null) ctx.setOutput(i, out[i]);
        }
    }
}
