package io.jengine.cpu.ref;

import io.jengine.tensor.DType;
import io.jengine.tensor.Shapes;
import io.jengine.tensor.Tensor;

/**
 * The numpy-broadcasting element loop every elementwise kernel uses: for each output element, the flat index of the
 * element it reads in each input.
 */
final class Broadcasting {
    private Broadcasting() {}

    /** Reads elements of several inputs at one output position. */
    @FunctionalInterface
    interface ElementOp {
        void apply(Tensor out, long outIndex, long[] inIndex);
    }

    /** Allocates the broadcast output of {@code dtype} and calls {@code op} for each element. */
    static Tensor map(DType dtype, ElementOp op, Tensor... inputs) {
        long[][] shapes = new long[inputs.length][];
        for (int i = 0; i < inputs.length; i++) shapes[i] = inputs[i].shape();
        long[] outShape = Shapes.broadcast(shapes);
        Tensor out = Tensor.allocate(dtype, outShape);
        long n = out.size();
        long[][] idx = new long[inputs.length][];
        for (int i = 0; i < inputs.length; i++) {
            idx[i] = KernelSupport.broadcastIndex(shapes[i], outShape);
        }
        long[] at = new long[inputs.length];
        for (int e = 0; e < n; e++) {
            for (int i = 0; i < inputs.length; i++) at[i] = idx[i][e];
            op.apply(out, e, at);
        }
        return out;
    }
}
