package io.jengine.opencl;

import io.jengine.spi.KernelContext;
import io.jengine.spi.NodeContext;
import io.jengine.tensor.DType;
import io.jengine.tensor.Shapes;
import io.jengine.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;
import java.util.Map;

/** Unary ops (and Clip) and broadcasting binary ops on float32, one work-item per output element. */
final class ElementwiseOps {
    private ElementwiseOps() {}

    /** Binary ops by their id in {@code elementwise.cl}'s {@code binary_op}. */
    private static final Map<String, Integer> BINARY = Map.of("Add", 0, "Sub", 1, "Mul", 2, "Div", 3, "Pow", 4,
            "Max", 5, "Min", 6, "PRelu", 7);

    static boolean isBinary(String op) { return BINARY.containsKey(op); }

    /** A unary op's kernel, or null when the op or its operands are not ones it runs. */
    static Supplier<ClOp> unary(NodeContext ctx, Io io, OpenClDevice device) {
        if (!io.allFloat32() || io.out()[0] == null || io.namedOutputs() != 1) return null;
        ClActivation act;
        if (ctx.node().opType().equals("Clip")) {
            act = clip(ctx);
        } else {
            if (ctx.node().inputs().size() != 1) return null;
            act = ClActivation.ofUnaryOp(ctx.node());
        }
        if (act == null) return null;
        long n = Shapes.size(io.out()[0]);
        long[] shape = io.out()[0];
        return () -> new ClOp(device) {
            private final ClKernel k = device.kernel("unary", "elementwise.cl");

            @Override
            void run(KernelContext c, OpenClMemory mem) {
                Tensor x = c.tensor(0);
                Tensor y = c.output(0, DType.FLOAT32, shape);
                List<Object> args = new ArrayList<>();
                tensor(args, mem, x);
                tensor(args, mem, y);
                args.addAll(List.of(n, act.id(), act.p0(), act.p1()));
                k.launch(new long[] {n}, new long[] {64}, args.toArray());
            }

            @Override
            public int inPlaceInput() { return 0; }
        };
    }

    /** Clip's bounds: attributes before opset 11, constant inputs from 11 (a computed bound is left to the host). */
    private static ClActivation clip(NodeContext ctx) {
        if (ctx.opsetVersion() < 11) {
            return new ClActivation(2, ctx.node().attrFloat("min", -Float.MAX_VALUE),
                    ctx.node().attrFloat("max", Float.MAX_VALUE));
        }
        float[] b = {Float.NEGATIVE_INFINITY, Float.POSITIVE_INFINITY};
        for (int i = 1; i <= 2; i++) {
            if (!ctx.node().hasInput(i)) continue;
            Tensor t = ctx.constant(i);
            if (t == null || t.size() != 1) return null;
            b[i - 1] = (float) t.getDouble(0);
        }
        return new ClActivation(2, b[0], b[1]);
    }

    /** A two-operand op with numpy broadcasting, or null. */
    static Supplier<ClOp> binary(NodeContext ctx, Io io, OpenClDevice device) {
        Integer op = BINARY.get(ctx.node().opType());
        if (op == null || ctx.node().inputs().size() != 2 || io.in()[0] == null || io.in()[1] == null
                || !io.allFloat32() || io.namedOutputs() != 1) {
            return null;
        }
        long[] a = io.in()[0], b = io.in()[1], out = io.out()[0];
        if (!Arrays.equals(Shapes.broadcast(a, b), out)) return null;
        long n = Shapes.size(out);
        boolean same = Arrays.equals(a, out) && Arrays.equals(b, out);
        int rank = out.length;
        return () -> new ClOp(device) {
            private final ClKernel k = device.kernel(same ? "binary_same" : "binary", "elementwise.cl");

            private final org.jocl.cl_mem meta = same ? null : longs(broadcastMeta(out, a, b));

            @Override
            void run(KernelContext c, OpenClMemory mem) {
                Tensor x = c.tensor(0), w = c.tensor(1);
                Tensor y = c.output(0, DType.FLOAT32, out);
                List<Object> args = new ArrayList<>();
                tensor(args, mem, x);
                tensor(args, mem, w);
                tensor(args, mem, y);
                args.add(n);
                if (!same) {
                    args.add(meta);
                    args.add(rank);
                }
                args.addAll(List.of(op, 0, 0f, 0f));
                k.launch(new long[] {n}, new long[] {64}, args.toArray());
            }

            @Override
            public int inPlaceInput() { return Arrays.equals(a, out) ? 0 : -1; }
        };
    }
}
