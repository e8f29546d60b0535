package io.jengine.cpu.ref;

import static io.jengine.cpu.ref.KernelSupport.tensor;

import io.jengine.ir.Node;
import io.jengine.tensor.Value;
import io.jengine.spi.KernelRegistry;
import io.jengine.tensor.DType;
import io.jengine.tensor.Shapes;
import io.jengine.tensor.Tensor;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * RandomUniform(Like), RandomNormal(Like), Bernoulli and Multinomial. With a {@code seed} attribute every run draws
 * the same values (a kernel keeps no state between runs, so the generator restarts from the seed each time); without
 * one every run draws fresh values. The streams are Java's, so they never match numpy's, only its distributions.
 */
final class RandomKernels {
    private RandomKernels() {}

    static void register(KernelRegistry r) {
        r.add("RandomUniform", 1, n -> {
            DType dt = floatType(n.node(), "dtype", DType.FLOAT32);
            long[] shape = shapeAttr(n.node());
            double low = n.node().attrFloat("low", 0f), high = n.node().attrFloat("high", 1f);
            Long seed = seed(n.node());
            return (ctx, in) -> new Value[] {uniform(dt, shape, low, high, generator(seed))};
        });
        r.add("RandomNormal", 1, n -> {
            DType dt = floatType(n.node(), "dtype", DType.FLOAT32);
            long[] shape = shapeAttr(n.node());
            double mean = n.node().attrFloat("mean", 0f), scale = n.node().attrFloat("scale", 1f);
            Long seed = seed(n.node());
            return (ctx, in) -> new Value[] {normal(dt, shape, mean, scale, generator(seed))};
        });
        r.add("RandomUniformLike", 1, n -> {
            DType attr = n.node().hasAttr("dtype") ? floatType(n.node(), "dtype", null) : null;
            double low = n.node().attrFloat("low", 0f), high = n.node().attrFloat("high", 1f);
            Long seed = seed(n.node());
            return (ctx, in) -> {
                Tensor like = tensor(in, 0);
                return new Value[] {uniform(likeType(attr, like), like.shape(), low, high, generator(seed))};
            };
        });
        r.add("RandomNormalLike", 1, n -> {
            DType attr = n.node().hasAttr("dtype") ? floatType(n.node(), "dtype", null) : null;
            double mean = n.node().attrFloat("mean", 0f), scale = n.node().attrFloat("scale", 1f);
            Long seed = seed(n.node());
            return (ctx, in) -> {
                Tensor like = tensor(in, 0);
                return new Value[] {normal(likeType(attr, like), like.shape(), mean, scale, generator(seed))};
            };
        });
        r.add("Bernoulli", 15, n -> {
            DType attr = n.node().hasAttr("dtype") ? dtypeAttr(n.node()) : null;
            Long seed = seed(n.node());
            return (ctx, in) -> new Value[] {bernoulli(tensor(in, 0), attr, generator(seed))};
        });
        r.add("Multinomial", 7, n -> {
            DType dt = dtypeAttr(n.node(), DType.INT32);
            if (dt != DType.INT32 && dt != DType.INT64) {
                throw new IllegalArgumentException("attribute dtype must be int32 or int64, got " + dt);
            }
            long samples = n.node().attrInt("sample_size", 1);
            if (samples < 1) throw new IllegalArgumentException("attribute sample_size must be >= 1, got " + samples);
            Long seed = seed(n.node());
            return (ctx, in) -> new Value[] {multinomial(tensor(in, 0), dt, samples, generator(seed))};
        });
    }

    private static Long seed(Node node) {
        return node.hasAttr("seed") ? (long) Float.floatToIntBits(node.attrFloat("seed", 0f)) : null;
    }

    private static SplittableRandom generator(Long seed) {
        return seed == null ? new SplittableRandom() : new SplittableRandom(seed);
    }

    private static DType dtypeAttr(Node node) { return dtypeAttr(node, null); }

    private static DType dtypeAttr(Node node, DType dflt) {
        if (!node.hasAttr("dtype")) return dflt;
        long code = node.attrInt("dtype", 0);
        try {
            return DType.fromOnnx((int) code);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("attribute dtype: unknown ONNX data type code " + code);
        }
    }

    private static DType floatType(Node node, String attr, DType dflt) {
        DType t = dtypeAttr(node, dflt);
        if (!t.isFloatingPoint()) {
            throw new IllegalArgumentException("attribute " + attr + " must be a floating-point type, got " + t);
        }
        return t;
    }

    private static long[] shapeAttr(Node node) {
        long[] shape = node.attrInts("shape", null);
        if (shape == null) throw new IllegalArgumentException("attribute shape is required");
        for (long d : shape) {
            if (d < 0) throw new IllegalArgumentException("attribute shape must have no negative dimension, got "
                    + Arrays.toString(shape));
        }
        return shape;
    }

    /** The *Like ops take the input's element type unless dtype says otherwise; it must then be a float type. */
    private static DType likeType(DType attr, Tensor like) {
        if (attr != null) return attr;
        if (!like.dtype().isFloatingPoint()) {
            throw new IllegalArgumentException("input 0 has element type " + like.dtype()
                    + "; without a dtype attribute the output needs a floating-point input type");
        }
        return like.dtype();
    }

    static Tensor uniform(DType dt, long[] shape, double low, double high, SplittableRandom rng) {
        Tensor out = Tensor.allocate(dt, shape);
        if (out.size() == 0) return out;
        // Rounding to a narrow type can carry a draw up to high itself; redraw those to keep the range half-open,
        // unless low and high round to the same value and nothing else is representable.
        out.setDouble(0, high);
        double storedHigh = out.getDouble(0);
        out.setDouble(0, low);
        boolean redraw = out.getDouble(0) < storedHigh;
        for (long i = 0; i < out.size(); i++) {
            do {
                out.setDouble(i, low + (high - low) * rng.nextDouble());
            } while (redraw && out.getDouble(i) >= storedHigh);
        }
        return out;
    }

    static Tensor normal(DType dt, long[] shape, double mean, double scale, SplittableRandom rng) {
        Tensor out = Tensor.allocate(dt, shape);
        for (long i = 0; i < out.size(); i++) out.setDouble(i, mean + scale * gaussian(rng));
        return out;
    }

    /** A standard normal draw by the Box-Muller transform (SplittableRandom has no nextGaussian of its own). */
    private static double gaussian(SplittableRandom rng) {
        double u1 = 1.0 - rng.nextDouble(); // in (0, 1], so the log is finite
        double u2 = rng.nextDouble();
        return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
    }

    private static Tensor bernoulli(Tensor p, DType attr, SplittableRandom rng) {
        if (!p.dtype().isFloatingPoint()) {
            throw new IllegalArgumentException("input 0 must be a floating-point tensor of probabilities, got " + p.dtype());
        }
        DType dt = attr != null ? attr : p.dtype();
        if (dt == DType.STRING) throw new IllegalArgumentException("attribute dtype must be numeric or bool, got string");
        Tensor out = Tensor.allocate(dt, p.shape());
        for (long i = 0; i < p.size(); i++) {
            double q = p.getDouble(i);
            if (!(q >= 0 && q <= 1)) {
                throw new IllegalArgumentException("input 0 must hold probabilities in [0, 1], got " + q + " at " + i);
            }
            out.setLong(i, rng.nextDouble() < q ? 1 : 0);
        }
        return out;
    }

    /** Each row holds unnormalized log-probabilities; draws sample_size class indices per row. */
    private static Tensor multinomial(Tensor logits, DType dt, long samples, SplittableRandom rng) {
        if (logits.rank() != 2) {
            throw new IllegalArgumentException("input 0 must have shape [batch_size, class_size], got "
                    + Shapes.format(logits.shape()));
        }
        int batch = Math.toIntExact(logits.dim(0)), classes = Math.toIntExact(logits.dim(1));
        if (classes == 0) throw new IllegalArgumentException("input 0 has no classes (class_size is 0)");
        Tensor out = Tensor.allocate(dt, batch, samples);
        for (int b = 0; b < batch; b++) {
            double max = Double.NEGATIVE_INFINITY;
            for (int c = 0; c < classes; c++) max = Math.max(max, logits.getDouble((long) b * classes + c));
            // Subtracting the maximum keeps exp() finite; the cumulative weights need not sum to 1.
            double[] cumulative = new double[classes];
            double total = 0;
            for (int c = 0; c < classes; c++) {
                total += Math.exp(logits.getDouble((long) b * classes + c) - max);
                cumulative[c] = total;
            }
            if (!(total > 0) || Double.isInfinite(total)) {
                throw new IllegalArgumentException("input 0 row " + b + " does not define a distribution (max "
                        + max + ")");
            }
            for (long s = 0; s < samples; s++) {
                double u = rng.nextDouble() * total;
                int c = 0;
                while (c < classes - 1 && cumulative[c] <= u) c++;
                out.setLong(b * samples + s, c);
            }
        }
        return out;
    }
}
