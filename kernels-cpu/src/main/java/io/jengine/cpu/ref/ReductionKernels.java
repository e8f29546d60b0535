package io.jengine.cpu.ref;

import io.jengine.ir.Node;
import io.jengine.runtime.Value;
import io.jengine.spi.KernelRegistry;
import io.jengine.tensor.DType;
import io.jengine.tensor.Shapes;
import io.jengine.tensor.Tensor;

/** The Reduce* family; cumulative and softmax-like ops live in their own files and register from here. */
final class ReductionKernels {
    private ReductionKernels() {}

    /** How one reduction folds a group of elements; {@code finish} maps the folded value and the group size. */
    enum Op {
        SUM(0, false), MEAN(0, false), MAX(Double.NEGATIVE_INFINITY, false), MIN(Double.POSITIVE_INFINITY, false),
        PROD(1, false), L1(0, false), L2(0, true), LOG_SUM(0, true), LOG_SUM_EXP(0, true), SUM_SQUARE(0, false);

        final double identity;
        /** Ops whose result is irrational even for integer input: always computed in double. */
        final boolean doubleOnly;

        Op(double identity, boolean doubleOnly) {
            this.identity = identity;
            this.doubleOnly = doubleOnly;
        }

        double fold(double acc, double x) {
            return switch (this) {
                case SUM, MEAN, LOG_SUM -> acc + x;
                // numpy's max/min propagate NaN
                case MAX -> Double.isNaN(acc) || Double.isNaN(x) ? Double.NaN : Math.max(acc, x);
                case MIN -> Double.isNaN(acc) || Double.isNaN(x) ? Double.NaN : Math.min(acc, x);
                case PROD -> acc * x;
                case L1 -> acc + Math.abs(x);
                case L2, SUM_SQUARE -> acc + x * x;
                case LOG_SUM_EXP -> acc + Math.exp(x);
            };
        }

        double finish(double acc, long n) {
            return switch (this) {
                case MEAN -> acc / n;
                case L2 -> Math.sqrt(acc);
                case LOG_SUM, LOG_SUM_EXP -> Math.log(acc);
                default -> acc;
            };
        }

        long foldLong(long acc, long x, boolean unsigned) {
            return switch (this) {
                case SUM, MEAN -> acc + x;
                case MAX -> (unsigned ? Long.compareUnsigned(x, acc) : Long.compare(x, acc)) > 0 ? x : acc;
                case MIN -> (unsigned ? Long.compareUnsigned(x, acc) : Long.compare(x, acc)) < 0 ? x : acc;
                case PROD -> acc * x;
                case L1 -> acc + Math.abs(x);
                case SUM_SQUARE -> acc + x * x;
                default -> throw new IllegalStateException(name());
            };
        }

        long identityLong(DType t) {
            return switch (this) {
                case MAX -> t.isUnsigned() ? 0 : minOf(t);
                case MIN -> t.isUnsigned() ? maxUnsignedOf(t) : maxOf(t);
                case PROD -> 1;
                default -> 0;
            };
        }
    }

    static void register(KernelRegistry r) {
        reduce(r, "ReduceSum", Op.SUM, 13);
        reduce(r, "ReduceMean", Op.MEAN, 18);
        reduce(r, "ReduceMax", Op.MAX, 18);
        reduce(r, "ReduceMin", Op.MIN, 18);
        reduce(r, "ReduceProd", Op.PROD, 18);
        reduce(r, "ReduceL1", Op.L1, 18);
        reduce(r, "ReduceL2", Op.L2, 18);
        reduce(r, "ReduceLogSum", Op.LOG_SUM, 18);
        reduce(r, "ReduceLogSumExp", Op.LOG_SUM_EXP, 18);
        reduce(r, "ReduceSumSquare", Op.SUM_SQUARE, 18);
        CumulativeKernels.register(r);
        SoftmaxKernels.register(r);
    }

    /** {@code axesInputSince}: the opset from which axes come from input 1 instead of the attribute. */
    private static void reduce(KernelRegistry r, String name, Op op, int axesInputSince) {
        r.add(name, 1, ctx -> {
            Node n = ctx.node();
            boolean keep = n.attrInt("keepdims", 1) != 0;
            boolean noopEmpty = n.attrInt("noop_with_empty_axes", 0) != 0;
            boolean fromInput = ctx.opsetVersion() >= axesInputSince;
            long[] attrAxes = fromInput ? null : n.attrInts("axes", new long[0]);
            return (c, in) -> {
                Tensor x = KernelSupport.tensor(in, 0);
                long[] axes = attrAxes;
                if (fromInput) {
                    Tensor a = KernelSupport.optionalTensor(in, 1);
                    axes = a == null ? new long[0] : KernelSupport.longs(a);
                }
                if (axes.length == 0 && noopEmpty) return new Value[] {x.copy()};
                return new Value[] {reduce(x, axes, keep, op)};
            };
        });
    }

    /** Reduces {@code x} over {@code axes} (all axes when empty). */
    static Tensor reduce(Tensor x, long[] axes, boolean keepDims, Op op) {
        long[] shape = x.shape();
        int rank = shape.length;
        boolean[] reduced = new boolean[rank];
        if (axes.length == 0) java.util.Arrays.fill(reduced, true);
        for (long a : axes) {
            int ax = Shapes.normalizeAxis(a, rank);
            if (reduced[ax] && axes.length > 0 && countOf(axes, ax, rank) > 1) {
                throw new IllegalArgumentException("axes must not repeat an axis, got " + java.util.Arrays.toString(axes));
            }
            reduced[ax] = true;
        }
        long[] kept = shape.clone();
        int outRank = 0;
        for (int d = 0; d < rank; d++) {
            if (reduced[d]) kept[d] = 1;
            if (!reduced[d] || keepDims) outRank++;
        }
        long[] outShape = new long[outRank];
        for (int d = 0, o = 0; d < rank; d++) if (!reduced[d] || keepDims) outShape[o++] = kept[d];
        int outSize = Math.toIntExact(Shapes.size(kept));
        long groupSize = outSize == 0 ? 0 : x.size() / outSize;
        long[] target = x.size() == 0 ? new long[0] : KernelSupport.broadcastIndex(kept, shape);
        DType t = x.dtype();
        Tensor out = Tensor.allocate(t, outShape);
        if (t.isInteger() && !op.doubleOnly) {
            boolean unsigned = t.isUnsigned();
            long[] acc = new long[outSize];
            java.util.Arrays.fill(acc, op.identityLong(t));
            for (int i = 0; i < target.length; i++) {
                acc[(int) target[i]] = op.foldLong(acc[(int) target[i]], x.getLong(i), unsigned);
            }
            for (int o = 0; o < outSize; o++) {
                long v = acc[o];
                if (op == Op.MEAN) v = groupSize == 0 ? 0 : unsigned ? Long.divideUnsigned(v, groupSize) : v / groupSize;
                out.setLong(o, v);
            }
        } else {
            double[] acc = new double[outSize];
            java.util.Arrays.fill(acc, op.identity);
            for (int i = 0; i < target.length; i++) acc[(int) target[i]] = op.fold(acc[(int) target[i]], x.getDouble(i));
            for (int o = 0; o < outSize; o++) out.setDouble(o, op.finish(acc[o], groupSize));
        }
        return out;
    }

    private static int countOf(long[] axes, int ax, int rank) {
        int c = 0;
        for (long a : axes) if (Shapes.normalizeAxis(a, rank) == ax) c++;
        return c;
    }

    static long minOf(DType t) {
        return switch (t) {
            case INT8 -> Byte.MIN_VALUE;
            case INT16 -> Short.MIN_VALUE;
            case INT32 -> Integer.MIN_VALUE;
            default -> Long.MIN_VALUE;
        };
    }

    static long maxOf(DType t) {
        return switch (t) {
            case INT8 -> Byte.MAX_VALUE;
            case INT16 -> Short.MAX_VALUE;
            case INT32 -> Integer.MAX_VALUE;
            default -> Long.MAX_VALUE;
        };
    }

    static long maxUnsignedOf(DType t) {
        return switch (t) {
            case UINT8, BOOL -> 0xFFL;
            case UINT16 -> 0xFFFFL;
            case UINT32 -> 0xFFFFFFFFL;
            default -> -1L;
        };
    }
}
