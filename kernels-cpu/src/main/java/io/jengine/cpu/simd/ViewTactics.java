package io.jengine.cpu.simd;

import io.jengine.spi.Kernel;
import io.jengine.spi.KernelContext;
import io.jengine.spi.NodeContext;
import io.jengine.spi.Tactic;
import io.jengine.tensor.DType;
import io.jengine.tensor.Shapes;
import io.jengine.tensor.Tensor;
import io.jengine.tensor.ValueType;
import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.Map;

/**
 * Reshape, Flatten, Squeeze, Unsqueeze and Identity: the output is the input's bytes under the shape the plan already
 * knows. Declared as views, so the planner shares the input's buffer and skips the kernel; where it cannot (the input
 * is a graph input, the output a graph output) the kernel copies the bytes in one bulk move.
 */
final class ViewTactics {
    private ViewTactics() {}

    static void register(Map<String, TacticSource> m) {
        for (String op : List.of("Reshape", "Flatten", "Squeeze", "Unsqueeze", "Identity")) m.put(op, ViewTactics::tactics);
    }

    private static List<Tactic> tactics(NodeContext node, String backend) {
        if (!(node.outputType(0) instanceof ValueType.TensorType out) || out.shape() == null
                || !out.shape().isFullyKnown() || out.elementType() == DType.STRING || !out.elementType().isSupported()) {
            return List.of();
        }
        long[] in = node.inputDims(0);
        long[] shape = out.shape().toArray();
        if (in == null || Shapes.size(in) != Shapes.size(shape)) return List.of();
        return List.of(new Tactic(backend, "view", () -> new ViewKernel(out.elementType(), shape)));
    }

    /** Copies input 0's bytes into output 0 of a fixed shape, when the planner did not make the output a view. */
    private record ViewKernel(DType dtype, long[] shape) implements Kernel {
        @Override
        public void run(KernelContext ctx) {
            Tensor x = ctx.tensor(0);
            if (x.dtype() != dtype || x.size() != Shapes.size(shape)) {
                throw new IllegalArgumentException("input " + x.describe() + " does not fit the planned "
                        + dtype + " " + Shapes.format(shape));
            }
            Tensor y = ctx.output(0, dtype, shape);
            if (y.data().address() != x.data().address()) MemorySegment.copy(x.data(), 0, y.data(), 0, x.byteSize());
        }

        @Override
        public int viewOf() { return 0; }
    }
}
