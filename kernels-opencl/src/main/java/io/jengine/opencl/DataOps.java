package io.jengine.opencl;

import static org.jocl.CL.clEnqueueCopyBuffer;

import io.jengine.ir.Node;
import io.jengine.spi.KernelContext;
import io.jengine.spi.NodeContext;
import io.jengine.tensor.DType;
import io.jengine.tensor.Shapes;
import io.jengine.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;
import org.jocl.CLException;

/**
 * Data movement on the device, for any element type of 1, 2, 4 or 8 bytes: views (Reshape and friends), Transpose,
 * Slice and Expand as one strided gather, Concat as block copies, Gather along an axis, Pad.
 */
final class DataOps {
    private DataOps() {}

    private static boolean movable(DType t) {
        return t != null && t != DType.STRING && t.isSupported() && List.of(1, 2, 4, 8).contains(t.byteSize());
    }

    private static String word(DType t) { return "_b" + t.byteSize(); }

    /** Reshape, Flatten, Squeeze, Unsqueeze, Identity: the input's bytes under the output's shape. */
    static Supplier<ClOp> view(NodeContext ctx, Io io, OpenClDevice device) {
        long[] x = io.in()[0], y = io.out()[0];
        DType t = io.outTypes()[0];
        if (x == null || y == null || !movable(t) || io.inTypes()[0] != t || Shapes.size(x) != Shapes.size(y)) return null;
        return () -> new ClOp(device) {
            @Override
            void run(KernelContext c, OpenClMemory mem) {
                Tensor in = c.tensor(0);
                Tensor out = c.output(0, t, y);
                if (in.data().address() == out.data().address() || out.byteSize() == 0) return;
                OpenClMemory.Located from = mem.locate(in), to = mem.locate(out);
                try {
                    clEnqueueCopyBuffer(device.queue(), from.mem(), to.mem(), from.byteOffset(), to.byteOffset(),
                            out.byteSize(), 0, null, null);
                } catch (CLException e) {
                    throw new OpenClException(device.name(), device.name() + ": copying " + out.describe() + " failed: " + e.getMessage(), e);
                }
            }

            @Override
            public int viewOf() { return 0; }
        };
    }

    /** y[i] = x[start + sum of i's coordinates times the input strides per output axis]. */
    private static ClOp strided(OpenClDevice device, DType t, long[] out, long[] strides, long start) {
        int r = out.length;
        long[] meta = new long[2 * r + 1];
        for (int d = 0; d < r; d++) {
            meta[d] = out[d];
            meta[r + d] = strides[d];
        }
        meta[2 * r] = start;
        long n = Shapes.size(out);
        return new ClOp(device) {
            private final org.jocl.cl_mem metaMem = longs(meta);
            private final ClKernel kernel = device.kernel("strided" + word(t), "data.cl");

            @Override
            void run(KernelContext c, OpenClMemory mem) {
                List<Object> args = new ArrayList<>();
                tensor(args, mem, c.tensor(0));
                tensor(args, mem, c.output(0, t, out));
                args.add(n);
                args.add(metaMem);
                args.add(r);
                kernel.launch(new long[] {n}, new long[] {64}, args.toArray());
            }
        };
    }

    static Supplier<ClOp> transpose(NodeContext ctx, Io io, OpenClDevice device) {
        long[] x = io.in()[0], y = io.out()[0];
        DType t = io.outTypes()[0];
        if (x == null || y == null || !movable(t)) return null;
        int r = x.length;
        long[] perm = ctx.node().attrInts("perm", null);
        if (perm == null) {
            perm = new long[r];
            for (int i = 0; i < r; i++) perm[i] = r - 1 - i;
        }
        if (perm.length != r) return null;
        long[] xs = Shapes.strides(x), s = new long[r];
        for (int d = 0; d < r; d++) {
            if (perm[d] < 0 || perm[d] >= r || y[d] != x[(int) perm[d]]) return null;
            s[d] = xs[(int) perm[d]];
        }
        return () -> strided(device, t, y, s, 0);
    }

    /** Expand: the input read with stride 0 along every axis it is broadcast on. */
    static Supplier<ClOp> expand(NodeContext ctx, Io io, OpenClDevice device) {
        long[] x = io.in()[0], y = io.out()[0];
        DType t = io.outTypes()[0];
        if (x == null || y == null || !movable(t) || io.inTypes()[0] != t || x.length > y.length) return null;
        for (int i = 0; i < x.length; i++) {
            long o = y[y.length - x.length + i];
            if (x[i] != o && x[i] != 1) return null;
        }
        long[] s = Shapes.broadcastStrides(x, y);
        return () -> strided(device, t, y, s, 0);
    }

    /**
     * Pad in its four modes with constant pads (attributes before opset 11, inputs since, axes since 18) and a
     * constant fill value; negative pads crop.
     */
    static Supplier<ClOp> pad(NodeContext ctx, Io io, OpenClDevice device) {
        Node node = ctx.node();
        long[] x = io.in()[0], y = io.out()[0];
        DType t = io.outTypes()[0];
        if (x == null || y == null || !movable(t) || io.inTypes()[0] != t || x.length != y.length) return null;
        int mode = List.of("constant", "edge", "reflect", "wrap").indexOf(node.attrString("mode", "constant"));
        if (mode < 0) return null;
        int r = x.length;
        long[] given, axes = null;
        Tensor fill;
        if (ctx.opsetVersion() < 11) {
            given = node.attrInts(node.hasAttr("pads") ? "pads" : "paddings", null);
            fill = Tensor.fromDoubles(t, new long[0], new double[] {node.attrFloat("value", 0f)});
        } else {
            given = constantLongs(ctx, 1);
            fill = node.hasInput(2) ? ctx.constant(2) : null;
            if (node.hasInput(2) && (fill == null || fill.dtype() != t)) return null;
            if (node.hasInput(3)) {
                axes = constantLongs(ctx, 3);
                if (axes == null) return null;
            }
        }
        if (given == null) return null;
        long[] begin = new long[r];
        int listed = axes == null ? r : axes.length;
        if (given.length != 2 * listed) return null;
        for (int i = 0; i < listed; i++) {
            long a = axes == null ? i : axes[i] < 0 ? axes[i] + r : axes[i];
            if (a < 0 || a >= r) return null;
            begin[(int) a] = given[i];
        }
        for (int d = 0; d < r; d++) if (x[d] == 0 && y[d] > 0 && mode != 0) return null; // the reference's error
        long bits = 0;
        if (fill != null && fill.size() > 0) {
            java.nio.ByteBuffer b = fill.data().asSlice(0, t.byteSize()).asByteBuffer()
                    .order(java.nio.ByteOrder.nativeOrder());
            for (int i = t.byteSize() - 1; i >= 0; i--) bits = bits << 8 | (b.get(i) & 0xFF);
        }
        long[] meta = new long[4 * r];
        long[] xs = Shapes.strides(x);
        for (int d = 0; d < r; d++) {
            meta[d] = y[d];
            meta[r + d] = x[d];
            meta[2 * r + d] = xs[d];
            meta[3 * r + d] = begin[d];
        }
        long n = Shapes.size(y), fillBits = bits;
        return () -> new ClOp(device) {
            private final org.jocl.cl_mem metaMem = longs(meta);
            private final ClKernel kernel = device.kernel("pad" + word(t), "data.cl");

            @Override
            void run(KernelContext c, OpenClMemory mem) {
                List<Object> args = new ArrayList<>();
                tensor(args, mem, c.tensor(0));
                tensor(args, mem, c.output(0, t, y));
                args.addAll(List.of(n, metaMem, r, mode, fillBits));
                kernel.launch(new long[] {n}, new long[] {64}, args.toArray());
            }
        };
    }

    /** Slice with constant starts, ends, axes and steps (attributes before opset 10). */
    static Supplier<ClOp> slice(NodeContext ctx, Io io, OpenClDevice device) {
        Node node = ctx.node();
        long[] x = io.in()[0], y = io.out()[0];
        DType t = io.outTypes()[0];
        if (x == null || y == null || !movable(t)) return null;
        int r = x.length;
        long[] starts, ends, axes, steps;
        if (ctx.opsetVersion() < 10) {
            starts = node.attrInts("starts", null);
            ends = node.attrInts("ends", null);
            axes = node.attrInts("axes", null);
            steps = null;
        } else {
            starts = constantLongs(ctx, 1);
            ends = constantLongs(ctx, 2);
            axes = node.hasInput(3) ? constantLongs(ctx, 3) : null;
            steps = node.hasInput(4) ? constantLongs(ctx, 4) : null;
            if ((node.hasInput(3) && axes == null) || (node.hasInput(4) && steps == null)) return null;
        }
        if (starts == null || ends == null || starts.length != ends.length) return null;
        long[] begin = new long[r], step = new long[r];
        Arrays.fill(step, 1);
        for (int i = 0; i < starts.length; i++) {
            long a = axes == null ? i : axes[i];
            if (a < 0) a += r;
            if (a < 0 || a >= r) return null;
            int ax = (int) a;
            long st = steps == null ? 1 : steps[i];
            if (st == 0) return null;
            long dim = x[ax];
            long s0 = starts[i] < 0 ? starts[i] + dim : starts[i];
            s0 = st > 0 ? Math.clamp(s0, 0, dim) : Math.clamp(s0, 0, dim - 1);
            begin[ax] = s0;
            step[ax] = st;
        }
        long[] xs = Shapes.strides(x), s = new long[r];
        long start = 0;
        for (int d = 0; d < r; d++) {
            s[d] = xs[d] * step[d];
            if (y[d] > 0) start += begin[d] * xs[d];
        }
        long from = start;
        return () -> strided(device, t, y, s, from);
    }

    private static long[] constantLongs(NodeContext ctx, int i) {
        Tensor c = ctx.constant(i);
        return c == null ? null : c.toLongArray();
    }

    static Supplier<ClOp> concat(NodeContext ctx, Io io, OpenClDevice device) {
        long[] y = io.out()[0];
        DType t = io.outTypes()[0];
        if (y == null || !movable(t) || y.length == 0) return null;
        int r = y.length;
        long axis = ctx.node().attrInt("axis", 0);
        if (axis < 0) axis += r;
        if (axis < 0 || axis >= r) return null;
        int ax = (int) axis;
        int k = ctx.node().inputs().size();
        long outer = Shapes.size(Arrays.copyOf(y, ax)), innerUnit = Shapes.size(Arrays.copyOfRange(y, ax + 1, r));
        long stride = y[ax] * innerUnit;
        long[] at = new long[k], inner = new long[k];
        long pos = 0;
        for (int i = 0; i < k; i++) {
            long[] x = io.in()[i];
            if (x == null || io.inTypes()[i] != t || x.length != r) return null;
            at[i] = pos;
            inner[i] = x[ax] * innerUnit;
            pos += inner[i];
        }
        if (pos != stride) return null;
        return () -> new ClOp(device) {
            private final ClKernel kernel = device.kernel("block" + word(t), "data.cl");

            @Override
            void run(KernelContext c, OpenClMemory mem) {
                Tensor out = c.output(0, t, y);
                for (int i = 0; i < k; i++) {
                    long n = outer * inner[i];
                    if (n == 0) continue;
                    List<Object> args = new ArrayList<>();
                    tensor(args, mem, c.tensor(i));
                    tensor(args, mem, out);
                    args.addAll(List.of(inner[i], stride, at[i], n));
                    kernel.launch(new long[] {n}, new long[] {64}, args.toArray());
                }
            }
        };
    }

    /** Gather with int64 indices; an index out of range is an error after the run's kernels (read back at once). */
    static Supplier<ClOp> gather(NodeContext ctx, Io io, OpenClDevice device) {
        long[] x = io.in()[0], idx = io.in()[1], y = io.out()[0];
        DType t = io.outTypes()[0];
        if (x == null || idx == null || y == null || !movable(t) || io.inTypes()[1] != DType.INT64 || x.length == 0) {
            return null;
        }
        int r = x.length;
        long axis = ctx.node().attrInt("axis", 0);
        if (axis < 0) axis += r;
        if (axis < 0 || axis >= r) return null;
        int ax = (int) axis;
        long outer = Shapes.size(Arrays.copyOf(x, ax)), inner = Shapes.size(Arrays.copyOfRange(x, ax + 1, r));
        long m = Shapes.size(idx), n = Shapes.size(y), dim = x[ax];
        if (outer * m * inner != n) return null;
        return () -> new ClOp(device) {
            private final org.jocl.cl_mem flag = flag();
            private final ClKernel kernel = device.kernel("gather" + word(t), "data.cl");

            @Override
            synchronized void run(KernelContext c, OpenClMemory mem) { // one flag: one run at a time
                List<Object> args = new ArrayList<>();
                tensor(args, mem, c.tensor(0));
                tensor(args, mem, c.tensor(1));
                tensor(args, mem, c.output(0, t, y));
                args.addAll(List.of(dim, m, inner, n, flag));
                kernel.launch(new long[] {n}, new long[] {64}, args.toArray());
                int[] bad = new int[1];
                try {
                    org.jocl.CL.clEnqueueReadBuffer(device.queue(), flag, true, 0, 4, org.jocl.Pointer.to(bad), 0, null, null);
                } catch (CLException e) {
                    throw new OpenClException(device.name(), device.name() + ": Gather failed: " + e.getMessage(), e);
                }
                if (bad[0] != 0) {
                    org.jocl.CL.clEnqueueWriteBuffer(device.queue(), flag, true, 0, 4, org.jocl.Pointer.to(new int[1]), 0, null, null);
                    throw new IllegalArgumentException("Gather: an index is out of range for axis " + ax + " of size " + dim);
                }
            }
        };
    }
}
