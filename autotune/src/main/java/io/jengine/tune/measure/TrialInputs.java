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

    /** Whether every input is a constant or one {@link #of} can generate: it then never answers null. */
    public static boolean available(Node node, Graph graph) {
        for (String name : node.inputs()) {
            if (!name.isEmpty() && !graph.initializers().containsKey(name) && generable(graph.typeOf(name)) == null) {
                return false;
            }
        }
        return true;
    }

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
            ValueType type = graph.typeOf(name);
            long[] dims = generable(type);
            if (dims == null) return null;
            v[i] = generate(((ValueType.TensorType) type).elementType(), dims, random);
        }
        return v;
    }

    /** The dimensions of a tensor type inputs can be generated for (static shape, not strings, fits an array), or null. */
    private static long[] generable(ValueType type) {
        long[] dims = ValueType.staticDims(type);
        DType dtype = dims == null ? null : ((ValueType.TensorType) type).elementType();
        if (dtype == null || dtype == DType.STRING) return null;
        return io.jengine.tensor.Shapes.size(dims) > Integer.MAX_VALUE ? null : dims;
    }

    private static Tensor generate(DType dtype, long[] dims, SplittableRandom random) {
        int n = Math.toIntExact(io.jengine.tensor.Shapes.size(dims));
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
