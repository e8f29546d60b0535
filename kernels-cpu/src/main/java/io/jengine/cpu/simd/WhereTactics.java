package io.jengine.cpu.simd;

import io.jengine.ir.Node;
import io.jengine.spi.IntraOpPool;
import io.jengine.spi.Kernel;
import io.jengine.spi.KernelContext;
import io.jengine.spi.NodeContext;
import io.jengine.spi.Tactic;
import io.jengine.tensor.DType;
import io.jengine.tensor.Shapes;
import io.jengine.tensor.Tensor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.List;
import java.util.Map;

/**
 * Where on float32 values with a bool condition, under numpy broadcasting of all three inputs (an attention mask
 * turned into additive biases, for one): each output element is copied from X or Y, so results are exact. The
 * output is walked row by row (the last dim), each input stepping through a row contiguously or repeating one
 * element; threaded over rows.
 */
final class WhereTactics {
    private WhereTactics() {}

    private static final long SERIAL = 1 << 15;

    static void register(Map<String, TacticSource> m) {
        m.put("Where", WhereTactics::tactics);
    }

    private static List<Tactic> tactics(NodeContext ctx, String backend) {
        Node n = ctx.node();
        if (!n.domain().isEmpty() || n.inputCount() != 3) return List.of();
        long[] c = PlannedShapes.inputDims(ctx, 0, DType.BOOL);
        long[] x = PlannedShapes.inputDims(ctx, 1, DType.FLOAT32);
        long[] y = PlannedShapes.inputDims(ctx, 2, DType.FLOAT32);
        if (c == null || x == null || y == null) return List.of();
        long[] out = broadcast(broadcast(c, x), y);
        if (out == null || !PlannedShapes.outputIs(ctx, 0, DType.FLOAT32, out)) return List.of();
        return List.of(new Tactic(backend, "where", () -> new WhereKernel(c, x, y, out)));
    }

    /** The numpy broadcast of two shapes, or null when they do not broadcast. */
    static long[] broadcast(long[] a, long[] b) {
        if (a == null || b == null) return null;
        int r = Math.max(a.length, b.length);
        long[] o = new long[r];
        for (int i = 0; i < r; i++) {
            long da = i < r - a.length ? 1 : a[i - (r - a.length)], db = i < r - b.length ? 1 : b[i - (r - b.length)];
            if (da != db && da != 1 && db != 1) return null;
            o[i] = da == 1 ? db : da;
        }
        return o;
    }

    /** Element strides of an input of dims {@code in} over the output dims {@code out}: 0 where it is broadcast. */
    static long[] strides(long[] in, long[] out) {
        long[] s = new long[out.length];
        long step = 1;
        for (int i = out.length - 1, j = in.length - 1; i >= 0; i--, j--) {
            long d = j >= 0 ? in[j] : 1;
            s[i] = d == 1 ? 0 : step;
            step *= d;
        }
        return s;
    }

    private static final class WhereKernel implements Kernel {
        private final long[] cShape, xShape, yShape, outShape;
        private final long[][] strides;
        private final long inner, rows;

        WhereKernel(long[] c, long[] x, long[] y, long[] out) {
            this.cShape = c;
            this.xShape = x;
            this.yShape = y;
            this.outShape = out;
            this.strides = new long[][] {strides(c, out), strides(x, out), strides(y, out)};
            this.inner = out.length == 0 ? 1 : out[out.length - 1];
            this.rows = inner == 0 ? 0 : Shapes.size(out) / inner;
        }

        @Override
        public void run(KernelContext ctx) {
            MemorySegment c = PlannedShapes.input(ctx, 0, DType.BOOL, cShape).data();
            MemorySegment x = PlannedShapes.input(ctx, 1, DType.FLOAT32, xShape).data();
            MemorySegment y = PlannedShapes.input(ctx, 2, DType.FLOAT32, yShape).data();
            Tensor out = ctx.output(0, DType.FLOAT32, outShape);
            MemorySegment o = out.data();
            if (rows == 0) return;
            int tasks = out.size() < SERIAL ? 1 : (int) Math.min(4L * ctx.threads(), rows);
            int last = outShape.length - 1;
            long sc = last < 0 ? 0 : strides[0][last], sx = last < 0 ? 0 : strides[1][last];
            long sy = last < 0 ? 0 : strides[2][last];
            IntraOpPool.shared().parallelFor(ctx.threads(), tasks, t -> {
                long[] at = new long[3];
                for (long r = rows * t / tasks, end = rows * (t + 1) / tasks; r < end; r++) {
                    rowStarts(r, at);
                    long ob = r * inner;
                    for (long j = 0; j < inner; j++) {
                        boolean pick = c.get(ValueLayout.JAVA_BYTE, at[0] + j * sc) != 0;
                        float v = pick ? x.getAtIndex(ValueLayout.JAVA_FLOAT, at[1] + j * sx)
                                : y.getAtIndex(ValueLayout.JAVA_FLOAT, at[2] + j * sy);
                        o.setAtIndex(ValueLayout.JAVA_FLOAT, ob + j, v);
                    }
                }
            });
        }

        /** Where row {@code r} of the output starts in each input, in elements. */
        private void rowStarts(long r, long[] at) {
            at[0] = at[1] = at[2] = 0;
            for (int i = outShape.length - 2; i >= 0; i--) {
                long idx = r % outShape[i];
                r /= outShape[i];
                for (int k = 0; k < 3; k++) at[k] += idx * strides[k][i];
            }
        }
    }
}
