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

/**
 * The small ops that masks are made of, so that a mask computed between device layers does not cross to the host:
 * Where on 4-byte values, And / Or / Xor on booleans (both broadcasting), and Cast among float32, int32, int64 and
 * bool.
 */
final class SelectOps {
    private SelectOps() {}

    private static final Map<DType, String> CASTABLE = Map.of(DType.FLOAT32, "f32", DType.INT32, "i32",
            DType.INT64, "i64", DType.BOOL, "bool");

    private static boolean broadcastsTo(long[] out, long[]... in) {
        for (long[] s : in) if (s == null || !Arrays.equals(Shapes.broadcast(s, out), out)) return false;
        return true;
    }

    static Supplier<ClOp> where(NodeContext ctx, Io io, OpenClDevice device) {
        long[] c = io.in()[0], x = io.in()[1], y = io.in()[2], out = io.out()[0];
        DType t = io.outTypes()[0];
        if (out == null || io.inTypes()[0] != DType.BOOL || t == null || t.byteSize() != 4 || t == DType.STRING
                || io.inTypes()[1] != t || io.inTypes()[2] != t || !broadcastsTo(out, c, x, y)) {
            return null;
        }
        long[] meta = ClOp.broadcastMeta(out, c, x, y);
        long n = Shapes.size(out);
        return () -> new ClOp(device) {
            private final org.jocl.cl_mem metaMem = longs(meta);
            private final ClKernel kernel = device.kernel("where_b4", "elementwise.cl");

            @Override
            void run(KernelContext k, OpenClMemory mem) {
                List<Object> args = new ArrayList<>();
                for (int i = 0; i < 3; i++) tensor(args, mem, k.tensor(i));
                tensor(args, mem, k.output(0, t, out));
                args.addAll(List.of(n, metaMem, out.length));
                kernel.launch(new long[] {n}, new long[] {64}, args.toArray());
            }
        };
    }

    static Supplier<ClOp> logical(NodeContext ctx, Io io, OpenClDevice device) {
        int op = List.of("And", "Or", "Xor").indexOf(ctx.node().opType());
        long[] a = io.in()[0], b = io.in()[1], out = io.out()[0];
        if (op < 0 || out == null || io.inTypes()[0] != DType.BOOL || io.inTypes()[1] != DType.BOOL
                || !broadcastsTo(out, a, b)) {
            return null;
        }
        long[] meta = ClOp.broadcastMeta(out, a, b);
        long n = Shapes.size(out);
        return () -> new ClOp(device) {
            private final org.jocl.cl_mem metaMem = longs(meta);
            private final ClKernel kernel = device.kernel("logical", "elementwise.cl");

            @Override
            void run(KernelContext k, OpenClMemory mem) {
                List<Object> args = new ArrayList<>();
                tensor(args, mem, k.tensor(0));
                tensor(args, mem, k.tensor(1));
                tensor(args, mem, k.output(0, DType.BOOL, out));
                args.addAll(List.of(n, metaMem, out.length, op));
                kernel.launch(new long[] {n}, new long[] {64}, args.toArray());
            }
        };
    }

    static Supplier<ClOp> cast(NodeContext ctx, Io io, OpenClDevice device) {
        DType from = io.inTypes()[0], to = io.outTypes()[0];
        long[] out = io.out()[0];
        if (out == null || !CASTABLE.containsKey(from) || !CASTABLE.containsKey(to) || from == to) return null;
        long n = Shapes.size(out);
        String fn = "cast_" + CASTABLE.get(from) + "_" + CASTABLE.get(to);
        return () -> new ClOp(device) {
            private final ClKernel kernel = device.kernel(fn, "elementwise.cl");

            @Override
            void run(KernelContext k, OpenClMemory mem) {
                List<Object> args = new ArrayList<>();
                tensor(args, mem, k.tensor(0));
                tensor(args, mem, k.output(0, to, out));
                args.add(n);
                kernel.launch(new long[] {n}, new long[] {64}, args.toArray());
            }
        };
    }
}
