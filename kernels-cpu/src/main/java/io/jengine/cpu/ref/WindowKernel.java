package io.jengine.cpu.ref;

import io.jengine.ir.Node;
import io.jengine.tensor.Value;
import io.jengine.spi.ExecutionContext;
import io.jengine.spi.ValueKernel;
import io.jengine.tensor.DType;
import io.jengine.tensor.Tensor;

/**
 * HannWindow, HammingWindow and BlackmanWindow: generalised cosine windows
 * {@code w[n] = a0 - a1 cos(2 pi n / N) + a2 cos(4 pi n / N)} with N = size when periodic (the default) and
 * size - 1 when symmetric, in the element type named by output_datatype (float32 by default).
 */
final class WindowKernel implements ValueKernel {
    /** The cosine coefficients of each window. */
    enum Shape {
        HANN(0.5, 0.5, 0), HAMMING(25.0 / 46, 21.0 / 46, 0), BLACKMAN(0.42, 0.5, 0.08);

        final double a0, a1, a2;

        Shape(double a0, double a1, double a2) {
            this.a0 = a0;
            this.a1 = a1;
            this.a2 = a2;
        }
    }

    private final Shape shape;
    private final boolean periodic;
    private final DType dtype;

    WindowKernel(Node node, Shape shape) {
        this.shape = shape;
        periodic = node.attrInt("periodic", 1) != 0;
        dtype = outputType(node.attrInt("output_datatype", DType.FLOAT32.onnxCode()));
    }

    /** The numeric element type an {@code output_datatype} attribute names, or a clear error. */
    static DType outputType(long code) {
        DType t;
        try {
            t = DType.fromOnnx((int) code);
        } catch (IllegalArgumentException e) {
            t = null;
        }
        if (t == null || !(t.isFloatingPoint() || t.isInteger())) {
            throw new IllegalArgumentException("output_datatype must name a numeric element type, got " + code);
        }
        return t;
    }

    @Override
    public Value[] run(ExecutionContext ctx, Value[] inputs) {
        long size = KernelSupport.scalarLong(KernelSupport.tensor(inputs, 0));
        if (size < 0) throw new IllegalArgumentException("size must not be negative, got " + size);
        Tensor y = Tensor.allocate(dtype, size);
        double n = periodic ? size : size - 1;
        for (long i = 0; i < size; i++) {
            double v = shape.a0 - shape.a1 * Math.cos(2 * Math.PI * i / n) + shape.a2 * Math.cos(4 * Math.PI * i / n);
            y.setDouble(i, v);
        }
        return new Value[] {y};
    }
}
