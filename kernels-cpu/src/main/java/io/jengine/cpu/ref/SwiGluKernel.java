package io.jengine.cpu.ref;

import io.jengine.ir.Node;
import io.jengine.tensor.Value;
import io.jengine.spi.ExecutionContext;
import io.jengine.spi.ValueKernel;
import io.jengine.tensor.Shapes;
import io.jengine.tensor.Tensor;

/** ONNX SwiGLU: {@code y = a * sigmoid(alpha * a) * b} elementwise with numpy broadcasting, alpha defaulting to 1. */
final class SwiGluKernel implements ValueKernel {
    private final double alpha;

    SwiGluKernel(Node node) { alpha = node.attrFloat("alpha", 1f); }

    @Override
    public Value[] run(ExecutionContext ctx, Value[] inputs) {
        Tensor a = KernelSupport.tensor(inputs, 0);
        Tensor b = KernelSupport.tensor(inputs, 1);
        if (!a.dtype().isFloatingPoint() || a.dtype() != b.dtype()) {
            throw new IllegalArgumentException("a and b must share one floating-point type, got " + a.dtype()
                    + " and " + b.dtype());
        }
        long[] shape = Shapes.broadcast(a.shape(), b.shape());
        long[] ai = KernelSupport.broadcastIndex(a.shape(), shape);
        long[] bi = KernelSupport.broadcastIndex(b.shape(), shape);
        Tensor y = Tensor.allocate(a.dtype(), shape);
        for (int i = 0; i < ai.length; i++) {
            double x = a.getDouble(ai[i]);
            y.setDouble(i, x / (1 + Math.exp(-alpha * x)) * b.getDouble(bi[i]));
        }
        return new Value[] {y};
    }
}
