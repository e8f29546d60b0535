package io.jengine.cpu.ref;

import static io.jengine.cpu.ref.KernelSupport.optionalTensor;
import static io.jengine.cpu.ref.KernelSupport.tensor;

import io.jengine.tensor.Value;
import io.jengine.spi.ValueKernel;
import io.jengine.spi.KernelRegistry;
import io.jengine.spi.NodeContext;
import io.jengine.tensor.DType;
import io.jengine.tensor.Shapes;
import io.jengine.tensor.Tensor;
import java.util.Arrays;

/**
 * The Reduce* family over any set of axes (attribute in early opsets, input later), plus Softmax, LogSoftmax,
 * Hardmax, CumSum and CumProd. Floats accumulate in double.
 */
final class ReductionKernels {
    private ReductionKernels() {}

    enum Op { SUM, MEAN, MAX, MIN, PROD, L1, L2, LOG_SUM, LOG_SUM_EXP, SUM_SQUARE }

    static void register(KernelRegistry r) {
        String[] names = {"ReduceSum", "ReduceMean", "ReduceMax", "ReduceMin", "ReduceProd", "ReduceL1", "ReduceL2",
                "ReduceLogSum", "ReduceLogSumExp", "ReduceSumSquare"};
        for (int i = 0; i < names.length; i++) {
            Op op = Op.values()[i];
            int axesInputSince = op == Op.SUM ? 13 : 18;
            r.add(names[i], 1, n -> reduceKernel(n, op, false));
            r.add(names[i], axesInputSince, n -> reduceKernel(n, op, true));
        }
        SoftmaxKernels.register(r);
    }

    private static ValueKernel reduceKernel(NodeContext n, Op op, boolean axesFromInput) {
        boolean keep = n.node().attrInt("keepdims", 1) != 0;
        boolean noop = n.node().attrInt("noop_with_empty_axes", 0) != 0;
        long[] attrAxes = n.node().attrInts("axes", null);
        return (ctx, in) -> {
            Tensor x = tensor(in, 0);
            long[] axes = attrAxes;
            if (axesFromInput) {
                Tensor a = optionalTensor(in, 1);
                axes = a == null ? null : a.toLongArray();
            }
            if ((axes == null || axes.length == 0) && noop) return new Value[] {x.copy()};
            return new Value[] {reduce(x, axes, keep, op)};
        };
    }

    static Tensor reduce(Tensor x, long[] axes, boolean keep, Op op) {
        int rank = x.rank();
        long[] s = x.shape();
        boolean[] red = new boolean[rank];
        if (axes == null || axes.length == 0) Arrays.fill(red, true);
        else for (long a : axes) red[Shapes.normalizeAxis(a, rank)] = true;
        long[] kept = s.clone();
        for (int d = 0; d < rank; d++) if (red[d]) kept[d] = 1;
        long[] ks = Shapes.strides(kept);
        long outN = Shapes.size(kept);
        long count = x.size() / Math.max(outN, 1);
        if (outN == 0) count = 0;
        // log/sqrt reductions of integers follow numpy: computed in double, then truncated to the integer type
        boolean floats = x.dtype().isFloatingPoint() || op == Op.L2 || op == Op.LOG_SUM || op == Op.LOG_SUM_EXP;
        double[] acc = new double[(int) outN];
        long[] lacc = new long[(int) outN];
        double init = switch (op) {
            case MAX -> Double.NEGATIVE_INFINITY;
            case MIN -> Double.POSITIVE_INFINITY;
            case PROD -> 1;
            default -> 0;
        };
        Arrays.fill(acc, init);
        long linit = switch (op) {
            case MAX -> x.dtype() == DType.BOOL ? 0 : minOf(x.dtype());
            case MIN -> x.dtype() == DType.BOOL ? 1 : maxOf(x.dtype());
            case PROD -> 1;
            default -> 0;
        };
        Arrays.fill(lacc, linit);
        boolean unsigned64 = x.dtype() == DType.UINT64;
        double[] shift = new double[(int) outN];
        if (op == Op.LOG_SUM_EXP && floats) {
            Arrays.fill(shift, Double.NEGATIVE_INFINITY);
            forEach(x, red, ks, (o, e) -> shift[o] = Math.max(shift[o], x.getDouble(e)));
            for (int o = 0; o < outN; o++) if (Double.isInfinite(shift[o])) shift[o] = 0;
        }
        boolean unsigned = x.dtype().isUnsigned();
        forEach(x, red, ks, (o, e) -> {
            if (floats) {
                double v = x.getDouble(e);
                acc[o] = switch (op) {
                    case SUM, MEAN, LOG_SUM -> acc[o] + v;
                    case MAX -> Double.isNaN(v) || Double.isNaN(acc[o]) ? Double.NaN : Math.max(acc[o], v);
                    case MIN -> Double.isNaN(v) || Double.isNaN(acc[o]) ? Double.NaN : Math.min(acc[o], v);
                    case PROD -> acc[o] * v;
                    case L1 -> acc[o] + Math.abs(v);
                    case L2, SUM_SQUARE -> acc[o] + v * v;
                    case LOG_SUM_EXP -> acc[o] + Math.exp(v - shift[o]);
                };
            } else {
                long v = x.getLong(e);
                lacc[o] = switch (op) {
                    case SUM, MEAN, LOG_SUM, LOG_SUM_EXP -> lacc[o] + v;
                    // uint64 values above 2^63 read as negative longs, so they compare unsigned
                    case MAX -> unsigned64 ? (Long.compareUnsigned(v, lacc[o]) > 0 ? v : lacc[o]) : Math.max(lacc[o], v);
                    case MIN -> unsigned64 ? (Long.compareUnsigned(v, lacc[o]) < 0 ? v : lacc[o]) : Math.min(lacc[o], v);
                    case PROD -> lacc[o] * v;
                    case L1 -> lacc[o] + (unsigned ? v : Math.abs(v)); // a uint64 >= 2^63 is a negative long
                    case L2, SUM_SQUARE -> lacc[o] + v * v;
                };
            }
        });
        long[] outShape = keep ? kept : dropReduced(s, red);
        Tensor out = Tensor.allocate(x.dtype(), outShape);
        for (int o = 0; o < outN; o++) {
            if (floats) {
                double v = switch (op) {
                    case MEAN -> acc[o] / count;
                    case L2 -> Math.sqrt(acc[o]);
                    case LOG_SUM -> Math.log(acc[o]);
                    case LOG_SUM_EXP -> Math.log(acc[o]) + shift[o];
                    default -> acc[o];
                };
                out.setDouble(o, v);
            } else {
                long v = switch (op) {
                    case MEAN -> count == 0 ? 0 : lacc[o] / count;
                    case L2 -> (long) Math.sqrt(lacc[o]);
                    case LOG_SUM -> (long) Math.log(lacc[o]);
                    default -> lacc[o];
                };
                out.setLong(o, v);
            }
        }
        return out;
    }

    interface Visit { void at(int outIndex, long inIndex); }

    /** Visits every input element with the flat index of the (keepdims) output element it reduces into. */
    static void forEach(Tensor x, boolean[] reduced, long[] keptStrides, Visit v) {
        long[] s = x.shape();
        long[] idx = new long[s.length];
        for (long e = 0; e < x.size(); e++) {
            long o = 0;
            for (int d = 0; d < s.length; d++) if (!reduced[d]) o += idx[d] * keptStrides[d];
            v.at((int) o, e);
            IndexMapping.increment(idx, s);
        }
    }

    static long[] dropReduced(long[] s, boolean[] red) {
        return java.util.stream.IntStream.range(0, s.length).filter(d -> !red[d]).mapToLong(d -> s[d]).toArray();
    }

    private static long minOf(DType t) {
        return switch (t) {
            case INT8 -> Byte.MIN_VALUE;
            case INT16 -> Short.MIN_VALUE;
            case INT32 -> Integer.MIN_VALUE;
            case INT64 -> Long.MIN_VALUE;
            default -> 0;
        };
    }

    private static long maxOf(DType t) {
        return switch (t) {
            case INT8 -> Byte.MAX_VALUE;
            case INT16 -> Short.MAX_VALUE;
            case INT32 -> Integer.MAX_VALUE;
            case UINT8 -> 0xFF;
            case UINT16 -> 0xFFFF;
            case UINT32 -> 0xFFFFFFFFL;
            case UINT64 -> -1L;
            default -> Long.MAX_VALUE;
        };
    }
}
