package io.jengine.runtime;

import io.jengine.spi.Backend;
import io.jengine.spi.Kernel;
import io.jengine.spi.KernelContext;
import io.jengine.spi.NodeContext;
import io.jengine.spi.Tactic;
import io.jengine.tensor.Tensor;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A float backend whose kernels write into handed buffers: Add and Mul (same shapes, in place on input 0), Relu (in
 * place) and Reshape (a view of input 0, shape from the static output type). Counts kernel runs per op.
 */
final class BufferBackend implements Backend {
    final AtomicInteger reshapeRuns = new AtomicInteger();

    @Override
    public String name() { return "buffers"; }

    @Override
    public int priority() { return 5; }

    @Override
    public List<Tactic> tactics(NodeContext node) {
        return switch (node.node().opType()) {
            case "Add" -> List.of(new Tactic(name(), "add", () -> binary('+')));
            case "Mul" -> List.of(new Tactic(name(), "mul", () -> binary('*')));
            case "Relu" -> List.of(new Tactic(name(), "relu", BufferBackend::relu));
            case "Reshape" -> List.of(new Tactic(name(), "reshape", () -> reshape(node)));
            // A kernel that disagrees with shape inference: it writes its input transposed, as [cols, rows].
            case "Transpose" -> List.of(new Tactic(name(), "lying", () -> ctx -> {
                Tensor a = ctx.tensor(0);
                ctx.output(0, a.dtype(), a.dim(1), a.dim(0));
            }));
            default -> List.of();
        };
    }

    private static Kernel binary(char op) {
        return new Kernel() {
            @Override
            public void run(KernelContext ctx) {
                Tensor a = ctx.tensor(0), b = ctx.tensor(1);
                if (a.size() != b.size()) throw new IllegalArgumentException("sizes differ");
                float[] x = a.toFloatArray(), y = b.toFloatArray();
                Tensor out = ctx.output(0, a.dtype(), a.shape());
                for (int i = 0; i < x.length; i++) out.setFloat(i, op == '+' ? x[i] + y[i] : x[i] * y[i]);
            }

            @Override
            public int inPlaceInput() { return 0; }
        };
    }

    private static Kernel relu() {
        return new Kernel() {
            @Override
            public void run(KernelContext ctx) {
                Tensor a = ctx.tensor(0);
                Tensor out = ctx.output(0, a.dtype(), a.shape());
                for (long i = 0; i < a.size(); i++) out.setFloat(i, Math.max(0, a.getFloat(i)));
            }

            @Override
            public int inPlaceInput() { return 0; }
        };
    }

    private Kernel reshape(NodeContext node) {
        return new Kernel() {
            @Override
            public void run(KernelContext ctx) {
                reshapeRuns.incrementAndGet();
                Tensor a = ctx.tensor(0);
                long[] shape = ctx.tensor(1).toLongArray();
                Tensor out = ctx.output(0, a.dtype(), shape);
                java.lang.foreign.MemorySegment.copy(a.data(), 0, out.data(), 0, a.byteSize());
            }

            @Override
            public int viewOf() { return 0; }
        };
    }
}
