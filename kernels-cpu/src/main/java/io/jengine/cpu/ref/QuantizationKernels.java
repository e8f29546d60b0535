package io.jengine.cpu.ref;

import static io.jengine.cpu.ref.KernelSupport.optionalTensor;
import static io.jengine.cpu.ref.KernelSupport.tensor;

import io.jengine.tensor.Value;
import io.jengine.spi.KernelRegistry;
import io.jengine.tensor.DType;
import io.jengine.tensor.Shapes;
import io.jengine.tensor.Tensor;
import io.jengine.tensor.UnsupportedDTypeException;

/**
 * QuantizeLinear, DequantizeLinear (per tensor, per axis, blocked), DynamicQuantizeLinear and QLinearMatMul
 * (QLinearConv is with the convolutions). Rounding is half to even and results saturate to the integer type's range, as ONNX specifies.
 */
final class QuantizationKernels {
    private QuantizationKernels() {}

    static void register(KernelRegistry r) {
        r.add("QuantizeLinear", 10, n -> {
            long axis = n.node().attrInt("axis", 1), block = n.node().attrInt("block_size", 0);
            long outAttr = n.node().attrInt("output_dtype", 0);
            return (ctx, in) -> {
                Tensor x = tensor(in, 0), scale = tensor(in, 1), zp = optionalTensor(in, 2);
                DType out = zp != null ? zp.dtype() : outAttr != 0 ? DType.fromOnnx((int) outAttr) : DType.UINT8;
                if (!out.isInteger()) throw new UnsupportedDTypeException(out);
                ScaleIndex si = new ScaleIndex(x.shape(), scale.shape(), axis, block);
                Tensor y = Tensor.allocate(out, x.shape());
                for (long e = 0; e < x.size(); e++) {
                    long s = si.of(e);
                    double q = Math.rint(quotient(x.getDouble(e), scale.getDouble(s), x.dtype()))
                            + (zp == null ? 0 : zp.getDouble(s));
                    y.setLong(e, saturate(q, out));
                }
                return new Value[] {y};
            };
        });
        r.add("DequantizeLinear", 10, n -> {
            long axis = n.node().attrInt("axis", 1), block = n.node().attrInt("block_size", 0);
            long outAttr = n.node().attrInt("output_dtype", 0);
            return (ctx, in) -> {
                Tensor x = tensor(in, 0), scale = tensor(in, 1), zp = optionalTensor(in, 2);
                if (!x.dtype().isInteger()) throw new UnsupportedDTypeException(x.dtype());
                DType out = outAttr != 0 ? DType.fromOnnx((int) outAttr) : scale.dtype();
                ScaleIndex si = new ScaleIndex(x.shape(), scale.shape(), axis, block);
                Tensor y = Tensor.allocate(out, x.shape());
                for (long e = 0; e < x.size(); e++) {
                    long s = si.of(e);
                    y.setDouble(e, (x.getDouble(e) - (zp == null ? 0 : zp.getDouble(s))) * scale.getDouble(s));
                }
                return new Value[] {y};
            };
        });
        r.add("DynamicQuantizeLinear", 11, n -> (ctx, in) -> {
            Tensor x = tensor(in, 0);
            double min = 0, max = 0;
            for (long e = 0; e < x.size(); e++) {
                min = Math.min(min, x.getDouble(e));
                max = Math.max(max, x.getDouble(e));
            }
            // float32 arithmetic throughout, as the specification's reference computes it: rounding x / scale in
            // double can land on the other side of a .5 tie.
            float scale = (float) ((float) max - (float) min) / 255f;
            float zp = scale == 0 ? 0 : (float) Math.rint(Math.max(0f, Math.min(255f, -(float) min / scale)));
            Tensor y = Tensor.allocate(DType.UINT8, x.shape());
            for (long e = 0; e < x.size(); e++) {
                float q = (float) x.getDouble(e) / scale;
                y.setLong(e, scale == 0 ? (long) zp : saturate(Math.rint(q) + zp, DType.UINT8));
            }
            return new Value[] {y, Tensor.ofFloats(new long[0], (float) scale),
                    Tensor.fromLongs(DType.UINT8, new long[0], new long[] {(long) zp})};
        });
        r.add("QLinearMatMul", 10, n -> (ctx, in) -> {
            Tensor a = tensor(in, 0), aScale = tensor(in, 1), aZp = tensor(in, 2);
            Tensor b = tensor(in, 3), bScale = tensor(in, 4), bZp = tensor(in, 5);
            Tensor yScale = tensor(in, 6), yZp = tensor(in, 7);
            Tensor acc = LinalgKernels.matmul(dequantize(a, aScale, aZp, a.rank() - 2),
                    dequantize(b, bScale, bZp, b.rank() - 1), null, null, null);
            return new Value[] {requantize(acc, yScale, yZp)};
        });
    }

    /** Where the scale of element e is: per tensor, per axis, or per block along the axis. */
    private static final class ScaleIndex {
        private final long[] shape;
        private final long[] strides;
        private final long[] scaleStrides;
        private final int axis;
        private final long block;

        ScaleIndex(long[] shape, long[] scaleShape, long axisAttr, long block) {
            this.shape = shape;
            this.strides = Shapes.strides(shape);
            this.scaleStrides = Shapes.strides(scaleShape);
            this.axis = Shapes.size(scaleShape) == 1 ? -1 : Shapes.normalizeAxis(axisAttr, shape.length);
            this.block = block;
            if (axis >= 0) check(shape, scaleShape);
        }

        /** Rejects a scale whose shape does not fit the per-axis or blocked layout, instead of indexing past it. */
        private void check(long[] shape, long[] scaleShape) {
            boolean ok;
            if (block <= 0) {
                ok = scaleShape.length == 1 && scaleShape[0] == shape[axis];
            } else {
                ok = scaleShape.length == shape.length;
                for (int d = 0; ok && d < shape.length; d++) {
                    long want = d == axis ? (shape[d] + block - 1) / block : shape[d];
                    ok = scaleShape[d] == want;
                }
            }
            if (!ok) {
                throw new IllegalArgumentException("input 1 (scale) has shape " + Shapes.format(scaleShape)
                        + ", which fits neither per-tensor nor " + (block <= 0 ? "per-axis" : "blocked (block_size "
                        + block + ")") + " quantization of an input of shape " + Shapes.format(shape) + " along axis "
                        + axis);
            }
        }

        long of(long e) {
            if (axis < 0) return 0;
            if (block <= 0) return (e / strides[axis]) % shape[axis];
            long off = 0;
            for (int d = 0; d < shape.length; d++) {
                long i = (e / strides[d]) % shape[d];
                off += (d == axis ? i / block : i) * scaleStrides[d];
            }
            return off;
        }
    }

    /**
     * x / scale rounded to float32 unless x is float64: the specification computes it in the input's precision, and
     * a double quotient just below a .5 tie (0.5 / (5f / 255f) = 25.4999991) would round the other way.
     */
    static double quotient(double x, double scale, DType xType) {
        double q = x / scale;
        return xType == DType.FLOAT64 ? q : (float) q;
    }

    /** (q - zp) * scale in float64, the scale per tensor or per channel along {@code axis}. */
    private static Tensor dequantize(Tensor q, Tensor scale, Tensor zp, int axis) {
        Tensor out = Tensor.allocate(DType.FLOAT64, q.shape());
        ScaleIndex si = new ScaleIndex(q.shape(), scale.shape(), Math.max(axis, 0), 0);
        for (long e = 0; e < q.size(); e++) {
            long s = si.of(e);
            out.setDouble(e, (q.getDouble(e) - zp.getDouble(zp.size() == 1 ? 0 : s)) * scale.getDouble(s));
        }
        return out;
    }

    private static Tensor requantize(Tensor real, Tensor yScale, Tensor yZp) {
        Tensor y = Tensor.allocate(yZp.dtype(), real.shape());
        double s = yScale.getDouble(0), z = yZp.getDouble(0);
        for (long e = 0; e < real.size(); e++) y.setLong(e, saturate(Math.rint(real.getDouble(e) / s) + z, yZp.dtype()));
        return y;
    }

    static long saturate(double q, DType t) {
        double lo, hi;
        switch (t) {
            case UINT8 -> { lo = 0; hi = 255; }
            case INT8 -> { lo = -128; hi = 127; }
            case UINT16 -> { lo = 0; hi = 65535; }
            case INT16 -> { lo = -32768; hi = 32767; }
            case INT32 -> { lo = Integer.MIN_VALUE; hi = Integer.MAX_VALUE; }
            default -> throw new UnsupportedDTypeException(t);
        }
        if (Double.isNaN(q)) return 0;
        return (long) Math.max(lo, Math.min(hi, q));
    }
}
