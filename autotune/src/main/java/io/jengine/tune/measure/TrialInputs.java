package io.jengine.tune.measure;

import io.jengine.ir.Graph;
import io.jengine.ir.Node;
import io.jengine.tensor.DType;
import io.jengine.tensor.Tensor;
import io.jengine.tensor.Value;
import io.jengine.tensor.ValueType;
import java.util.SplittableRandom;

/**
 * The inputs a layer is timed on: its constants (weights) as the graph holds them, every other input generated from
 * its static type with a fixed seed: floats in [-1, 1) (never zeros, which some kernels skip), integers 0 or 1 (valid
 * indices and counts for any non-empty axis), random booleans.
 */
public final class TrialInputs {
    private TrialInputs() {}

    /** One value per node input, or null when some input's type or shape is not known statically. */
    public static Value[] of(Node node, Graph graph) {
        Value[] v = new Value[node.inputs().size()];
        SplittableRandom random = new SplittableRandom(node.name().hashCode());
        for (int i = 0; i < v.length; i++) {
            String name = node.inputs().get(i);
            if (name.isEmpty()) continue;
            Tensor constant = graph.initializers().get(name);
            if (constant != null) {
                v[i] = constant;
                continue;
            }
            if (!(graph.typeOf(name) instanceof ValueType.TensorType t) || t.shape() == null || !t.shape().isFullyKnown()
                    || t.elementType() == null) {
                return null;
            }
            long[] dims = new long[t.shape().rank()];
            for (int d = 0; d < dims.length; d++) dims[d] = t.shape().dim(d).value();
            v[i] = generate(t.elementType(), dims, random);
            if (v[i] == null) return null;
        }
        return v;
    }

    private static Tensor generate(DType dtype, long[] dims, SplittableRandom random) {
        long size = 1;
        for (long d : dims) size = Math.multiplyExact(size, d);
        if (size > Integer.MAX_VALUE) return null;
        int n = (int) size;
        return switch (dtype) {
            case FLOAT32 -> {
                float[] f = new float[n];
                for (int i = 0; i < n; i++) f[i] = (float) (random.nextDouble() * 2 - 1);
                yield Tensor.ofFloats(dims, f);
            }
            case BOOL -> {
                boolean[] b = new boolean[n];
                for (int i = 0; i < n; i++) b[i] = random.nextBoolean();
                yield Tensor.ofBools(dims, b);
            }
            case STRING -> null;
            default -> {
                if (dtype.isFloatingPoint()) {
                    double[] d = new double[n];
                    for (int i = 0; i < n; i++) d[i] = random.nextDouble() * 2 - 1;
                    yield Tensor.fromDoubles(dtype, dims, d);
                }
                long[] l = new long[n];
                for (int i = 0; i < n; i++) l[i] = random.nextInt(2);
                yield Tensor.fromLongs(dtype, dims, l);
            }
        };
    }
}
