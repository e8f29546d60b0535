package io.jengine.opencl;

import io.jengine.ir.Node;
import io.jengine.spi.KernelContext;
import io.jengine.spi.NodeContext;
import io.jengine.tensor.DType;
import io.jengine.tensor.Shapes;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * QuantizeLinear (float32 to uint8 / int8) and DequantizeLinear (uint8 / int8 to float32), the scale and zero point
 * per tensor or per channel along {@code axis} ({@code quant.cl}). Blocked quantization (opset 21's block_size),
 * other code types and float inputs other than float32 are left to the host.
 */
final class QuantOps {
    private QuantOps() {}

    static Supplier<ClOp> quantize(NodeContext ctx, Io io, OpenClDevice device, boolean toCodes) {
        Node node = ctx.node();
        long[] x = io.in()[0], scale = io.in()[1], y = io.out()[0];
        if (x == null || scale == null || y == null || node.attrInt("block_size", 0) != 0) return null;
        DType codes = toCodes ? io.outTypes()[0] : io.inTypes()[0];
        DType real = toCodes ? io.inTypes()[0] : io.outTypes()[0];
        if ((codes != DType.UINT8 && codes != DType.INT8) || real != DType.FLOAT32 || io.inTypes()[1] != DType.FLOAT32) {
            return null;
        }
        boolean hasZero = node.hasInput(2);
        if (hasZero && (io.inTypes()[2] != codes || !java.util.Arrays.equals(io.in()[2], scale))) return null;
        long count = Shapes.size(scale), dim = 1, inner = 1;
        if (count != 1) {
            int r = x.length;
            long axis = node.attrInt("axis", 1);
            if (axis < 0) axis += r;
            if (scale.length != 1 || axis < 0 || axis >= r || x[(int) axis] != count) return null;
            dim = count;
            for (int d = (int) axis + 1; d < r; d++) inner *= x[d];
        }
        long n = Shapes.size(y), channels = dim, stride = inner;
        String function = (toCodes ? "quantize_" : "dequantize_") + (codes == DType.UINT8 ? "u8" : "s8");
        DType outType = io.outTypes()[0];
        return () -> new ClOp(device) {
            private final ClKernel kernel = device.kernel(function, "quant.cl");

            @Override
            void run(KernelContext c, OpenClMemory mem) {
                List<Object> args = new ArrayList<>();
                tensor(args, mem, c.tensor(0));
                tensor(args, mem, c.output(0, outType, y));
                args.add(n);
                tensor(args, mem, c.tensor(1));
                tensor(args, mem, hasZero ? c.tensor(2) : c.tensor(0));
                args.addAll(List.of(hasZero ? 1 : 0, stride, channels));
                kernel.launch(new long[] {n}, new long[] {64}, args.toArray());
            }
        };
    }
}
