package io.jengine.opencl;

import io.jengine.spi.NodeContext;
import io.jengine.tensor.DType;
import io.jengine.tensor.ValueType;

/**
 * A node's inputs and outputs with static shapes and element types, as the OpenCL kernels need them (they are
 * prepared per concrete shape); null from {@link #of} when any present one is unknown, dynamic or not a tensor.
 */
record Io(long[][] in, DType[] inTypes, long[][] out, DType[] outTypes) {
    static Io of(NodeContext ctx) {
        int ni = ctx.node().inputs().size(), no = ctx.node().outputs().size();
        long[][] in = new long[ni][];
        DType[] it = new DType[ni];
        for (int i = 0; i < ni; i++) {
            if (!ctx.node().hasInput(i)) continue;
            ValueType.TensorType t = ctx.inputTensorType(i);
            in[i] = ctx.inputDims(i);
            if (t == null || in[i] == null) return null;
            it[i] = t.elementType();
        }
        long[][] out = new long[no][];
        DType[] ot = new DType[no];
        for (int i = 0; i < no; i++) {
            if (!ctx.node().hasOutput(i)) continue;
            if (!(ctx.outputType(i) instanceof ValueType.TensorType t)) return null;
            out[i] = ValueType.staticDims(t);
            if (out[i] == null) return null;
            ot[i] = t.elementType();
        }
        return new Io(in, it, out, ot);
    }

    boolean allFloat32() {
        for (DType t : inTypes) if (t != null && t != DType.FLOAT32) return false;
        for (DType t : outTypes) if (t != null && t != DType.FLOAT32) return false;
        return true;
    }

    /** How many outputs the node names. */
    int namedOutputs() {
        int n = 0;
        for (long[] o : out) if (o != null) n++;
        return n;
    }
}
