package io.jengine.cpu.ref;

import io.jengine.tensor.Value;
import io.jengine.tensor.Shapes;
import io.jengine.tensor.Tensor;

/** Small helpers shared by the reference kernels: input access with clear errors, and broadcasting index maps. */
final class KernelSupport {
    private KernelSupport() {}

    /** Input {@code i} as a tensor, failing with the input's position when it is missing or not a tensor. */
    static Tensor tensor(Value[] inputs, int i) {
        if (i >= inputs.length || inputs[i] == null) {
            throw new IllegalArgumentException("input " + i + " is required");
        }
        if (!(inputs[i] instanceof Tensor t)) {
            throw new IllegalArgumentException("input " + i + " must be a tensor, got " + inputs[i].describe());
        }
        return t;
    }

    /** Input {@code i} as a tensor, or null when omitted. */
    static Tensor optionalTensor(Value[] inputs, int i) {
        return i < inputs.length && inputs[i] != null ? tensor(inputs, i) : null;
    }

    /** The elements of an integer tensor (shape, axes, pads ... inputs) as longs. */
    static long[] longs(Tensor t) { return t.toLongArray(); }

    /** A rank-0 or one-element tensor as a long. */
    static long scalarLong(Tensor t) {
        if (t.size() != 1) throw new IllegalArgumentException("expected a scalar, got shape " + Shapes.format(t.shape()));
        return t.getLong(0);
    }

    static double scalarDouble(Tensor t) {
        if (t.size() != 1) throw new IllegalArgumentException("expected a scalar, got shape " + Shapes.format(t.shape()));
        return t.getDouble(0);
    }

    /**
     * For every flat index of the broadcast output shape, the flat index into an input of shape {@code in}. Lets a
     * binary kernel read inputs of different shapes with one loop.
     */
    static long[] broadcastIndex(long[] in, long[] out) {
        long n = Shapes.size(out);
        long[] idx = new long[Math.toIntExact(n)];
        long[] st = Shapes.broadcastStrides(in, out);
        int rank = out.length;
        long[] counter = new long[rank];
        long off = 0;
        for (int i = 0; i < n; i++) {
            idx[i] = off;
            for (int d = rank - 1; d >= 0; d--) {
                counter[d]++;
                off += st[d];
                if (counter[d] < out[d]) break;
                off -= st[d] * counter[d];
                counter[d] = 0;
            }
        }
        return idx;
    }


}
