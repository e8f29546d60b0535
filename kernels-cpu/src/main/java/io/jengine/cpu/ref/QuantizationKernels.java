package io.jengine.cpu.ref;

import io.jengine.ir.Node;
import io.jengine.runtime.Value;
import io.jengine.spi.Kernel;
import io.jengine.spi.KernelRegistry;
import io.jengine.tensor.DType;
import io.jengine.tensor.Shapes;
import io.jengine.tensor.Tensor;

/** Linear quantization: QuantizeLinear, DequantizeLinear, DynamicQuantizeLinear and QLinearMatMul. */
final class QuantizationKernels {
    private QuantizationKernels() {}

    static void register(KernelRegistry r) {
        r.add("QuantizeLinear", 10, ctx -> quantize(ctx.node()));
        r.add("DequantizeLinear", 10, ctx -> dequantize(ctx.node()));
        r.add("DynamicQuantizeLinear", 11, ctx -> (c, in) -> dynamicQuantize(KernelSupport.tensor(in, 0)));
        r.add("QLinearMatMul", 10, ctx -> (c, in) -> new Value[] {qlinearMatMul(in)});
    }

    private static Kernel quantize(Node n) {
        long axisAttr = n.attrInt("axis", 1);
        long blockSize = n.attrInt("block_size", 0);
        long outCode = n.attrInt("output_dtype", 0);
        boolean saturate = n.attrInt("saturate", 1) != 0;
        return (c, in) -> {
            Tensor x = KernelSupport.tensor(in, 0);
            Tensor scale = KernelSupport.tensor(in, 1);
            Tensor zp = KernelSupport.optionalTensor(in, 2);
            DType t = zp != null ? zp.dtype() : outCode != 0 ? DType.fromOnnx((int) outCode) : DType.UINT8;
            if (!t.isInteger()) throw new IllegalArgumentException("QuantizeLinear output type " + t + " is not supported");
            long[] sIdx = paramIndex(x, scale, axisAttr, blockSize);
            Tensor y = Tensor.allocate(t, x.shape());
            long lo = t.isUnsigned() ? 0 : ReductionKernels.minOf(t);
            long hi = t.isUnsigned() ? ReductionKernels.maxUnsignedOf(t) : ReductionKernels.maxOf(t);
            for (int i = 0; i < sIdx.length; i++) {
                double q = Math.rint(x.getDouble(i) / scale.getDouble(sIdx[i]));
                if (zp != null) q += zp.getLong(sIdx[i]);
                y.setLong(i, (long) Math.max(lo, Math.min(hi, q)));
            }
            return new Value[] {y};
        };
    }

    private static Kernel dequantize(Node n) {
        long axisAttr = n.attrInt("axis", 1);
        long blockSize = n.attrInt("block_size", 0);
        return (c, in) -> {
            Tensor x = KernelSupport.tensor(in, 0);
            Tensor scale = KernelSupport.tensor(in, 1);
            Tensor zp = KernelSupport.optionalTensor(in, 2);
            long[] sIdx = paramIndex(x, scale, axisAttr, blockSize);
            Tensor y = Tensor.allocate(scale.dtype(), x.shape());
            for (int i = 0; i < sIdx.length; i++) {
                double v = x.getDouble(i) - (zp == null ? 0 : zp.getDouble(sIdx[i]));
                y.setDouble(i, v * scale.getDouble(sIdx[i]));
            }
            return new Value[] {y};
        };
    }

    /**
     * For every element of {@code x}, the flat index into the scale/zero-point tensor: per tensor (scalar), per axis
     * (1-D along {@code axis}) or blocked (same rank, {@code axis} divided into blocks of {@code blockSize}).
     */
    static long[] paramIndex(Tensor x, Tensor scale, long axisAttr, long blockSize) {
        int n = Math.toIntExact(x.size());
        long[] idx = new long[n];
        if (scale.rank() == 0 || (scale.size() == 1 && blockSize == 0 && scale.rank() <= 1 && x.rank() == 0)) return idx;
        if (scale.rank() == 1 && scale.size() == 1 && blockSize == 0) return idx;
        int axis = Shapes.normalizeAxis(axisAttr, x.rank());
        long[] shape = x.shape();
        long[] strides = Shapes.strides(shape);
        if (blockSize <= 0) {
            if (scale.rank() != 1 || scale.size() != shape[axis]) {
                throw new IllegalArgumentException("scale must be a scalar or 1-D of length " + shape[axis]
                        + " along axis " + axis + ", got " + Shapes.format(scale.shape()));
            }
            for (int i = 0; i < n; i++) idx[i] = (i / strides[axis]) % shape[axis];
            return idx;
        }
        long[] ss = scale.shape();
        if (ss.length != shape.length) {
            throw new IllegalArgumentException("blocked scale must have rank " + shape.length + ", got "
                    + Shapes.format(ss));
        }
        long[] sStrides = Shapes.strides(ss);
        for (int i = 0; i < n; i++) {
            long rem = i;
            long off = 0;
            for (int d = 0; d < shape.length; d++) {
                long coord = rem / strides[d];
                rem %= strides[d];
                if (d == axis) coord /= blockSize;
                off += coord * sStrides[d];
            }
            idx[i] = off;
        }
        return idx;
    }

    private static Value[] dynamicQuantize(Tensor x) {
        double min = 0;
        double max = 0;
        for (long i = 0; i < x.size(); i++) {
            min = Math.min(min, x.getDouble(i));
            max = Math.max(max, x.getDouble(i));
        }
        // computed in float32 as the spec's reference does, so scale and zero point match bit for bit
        float scale = (float) ((float) max - (float) min) / 255f;
        double zp = scale == 0 ? 0 : Math.max(0, Math.min(255, Math.rint(-min / scale)));
        Tensor y = Tensor.allocate(DType.UINT8, x.shape());
        for (long i = 0; i < x.size(); i++) {
            double q = scale == 0 ? zp : Math.rint(x.getDouble(i) / scale) + zp;
            y.setLong(i, (long) Math.max(0, Math.min(255, q)));
        }
        Tensor s = Tensor.allocate(DType.FLOAT32);
        s.setDouble(0, scale);
        Tensor z = Tensor.allocate(DType.UINT8);
        z.setLong(0, (long) zp);
        return new Value[] {y, s, z};
    }

    private static Tensor qlinearMatMul(Value[] in) {
        Tensor a = KernelSupport.tensor(in, 0);
        Tensor aScale = KernelSupport.tensor(in, 1);
        Tensor aZp = KernelSupport.tensor(in, 2);
        Tensor b = KernelSupport.tensor(in, 3);
        Tensor bScale = KernelSupport.tensor(in, 4);
        Tensor bZp = KernelSupport.tensor(in, 5);
        Tensor yScale = KernelSupport.tensor(in, 6);
        Tensor yZp = KernelSupport.tensor(in, 7);
        Tensor acc = LinalgKernels.matmul(a, b, aZp, bZp, DType.INT64);
        long[] shape = acc.shape();
        long n = shape.length == 0 ? 1 : shape[shape.length - 1];
        long m = shape.length < 2 ? 1 : shape[shape.length - 2];
        DType t = yZp.dtype();
        long lo = t.isUnsigned() ? 0 : ReductionKernels.minOf(t);
        long hi = t.isUnsigned() ? ReductionKernels.maxUnsignedOf(t) : ReductionKernels.maxOf(t);
        Tensor y = Tensor.allocate(t, shape);
        for (long i = 0; i < acc.size(); i++) {
            double as = aScale.size() == 1 ? aScale.getDouble(0) : aScale.getDouble((i / n) % m);
            double bs = bScale.size() == 1 ? bScale.getDouble(0) : bScale.getDouble(i % n);
            double q = Math.rint(acc.getLong(i) * (as * bs / yScale.getDouble(0))) + yZp.getLong(0);
            y.setLong(i, (long) Math.max(lo, Math.min(hi, q)));
        }
        acc.close();
        return y;
    }
}
