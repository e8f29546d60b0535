package io.jengine.opencl;

import io.jengine.ir.FusedOpSpec;
import io.jengine.ir.Node;
import io.jengine.spi.GemmProblem;
import io.jengine.spi.KernelContext;
import io.jengine.spi.NodeContext;
import io.jengine.spi.Tactic;
import io.jengine.tensor.DType;
import io.jengine.tensor.Shapes;
import io.jengine.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.jocl.cl_mem;

/**
 * MatMul, Gemm and their fused forms on {@code gemm.cl}'s tiled kernel: operands read through strides (transposes and
 * broadcast batch axes cost no copy), bias, residual and activation applied in the store.
 */
final class MatrixOps {
    private MatrixOps() {}

    /** Whether the device runs {@code gemm.cl}'s tiled kernels at all (some tiling fits its limits). */
    static boolean fits(OpenClDevice d) { return ClTiling.defaultFor(d.info()) != null; }

    /** One GEMM launch's fixed geometry: C = act(alpha A.B + beta bias (+ R)), batched over {@code batch}. */
    record Geometry(int m, int n, int k, long sam, long sak, long sbk, long sbn, long scm, long scn,
                            float alpha, float beta, long sbiasM, long sbiasN, long[] batch, long batchCount) {}

    /** The products a GEMM launch computes, as the tuner ranks them: B (the weights) is not packed, A is read as is. */
    static GemmProblem problem(Geometry g) {
        return new GemmProblem(Math.max(1, g.m()), Math.max(1, g.n()), Math.max(1, g.k()),
                (int) Math.max(1, Math.min(Integer.MAX_VALUE, g.batchCount())), true, true, 0);
    }

    static Tactic matmul(NodeContext ctx, Io io, OpenClDevice device) {
        Node node = ctx.node();
        boolean fused = FusedOpSpec.is(node, FusedOpSpec.FUSED_MATMUL);
        if (!io.allFloat32() || !fits(device) || io.namedOutputs() != 1 || io.in()[0] == null || io.in()[1] == null) {
            return null;
        }
        ClActivation act = fused ? ClActivation.ofFused(node) : ClActivation.NONE;
        if (act == null) return null;
        long[] a = io.in()[0], b = io.in()[1], out = io.out()[0];
        if (a.length == 0 || b.length == 0) return null;
        // 1-D operands: A [K] is a row, B [K] a column; neither axis appears in the output
        long[] a2 = a.length == 1 ? new long[] {1, a[0]} : a;
        long[] b2 = b.length == 1 ? new long[] {b[0], 1} : b;
        int m = (int) a2[a2.length - 2], k = (int) a2[a2.length - 1], n = (int) b2[b2.length - 1];
        if (b2[b2.length - 2] != k) return null;
        long[] aBatch = Arrays.copyOf(a2, a2.length - 2), bBatch = Arrays.copyOf(b2, b2.length - 2);
        long[] batch = Shapes.broadcast(aBatch, bBatch);
        long[] expect = new long[batch.length + 2];
        System.arraycopy(batch, 0, expect, 0, batch.length);
        expect[batch.length] = m;
        expect[batch.length + 1] = n;
        if (Shapes.size(expect) != Shapes.size(out)) return null;
        long[] as = Shapes.broadcastStrides(aBatch, batch), bs = Shapes.broadcastStrides(bBatch, batch);
        long[] cs = Shapes.strides(batch);
        long[] meta = new long[5 * batch.length];
        for (int d = 0; d < batch.length; d++) {
            meta[5 * d] = batch[d];
            meta[5 * d + 1] = as[d] * m * k;
            meta[5 * d + 2] = bs[d] * k * n;
            meta[5 * d + 3] = cs[d] * m * n;
            meta[5 * d + 4] = 0;
        }
        boolean hasBias = fused && node.hasInput(FusedOpSpec.MATMUL_BIAS);
        if (hasBias && Shapes.size(io.in()[FusedOpSpec.MATMUL_BIAS]) != n) return null;
        Geometry g = new Geometry(m, n, k, k, 1, n, 1, n, 1, 1f, 1f, 0, 1, meta, Shapes.size(batch));
        int bias = hasBias ? FusedOpSpec.MATMUL_BIAS : -1;
        return ClTunable.tactic("gemm", problem(g), device.info(), t -> new GemmKernel(device, t, g, out, bias, act));
    }

    static Tactic gemm(NodeContext ctx, Io io, OpenClDevice device) {
        Node node = ctx.node();
        boolean fused = FusedOpSpec.is(node, FusedOpSpec.FUSED_GEMM);
        if (!io.allFloat32() || !fits(device) || io.namedOutputs() != 1) return null;
        ClActivation act = fused ? ClActivation.ofFused(node) : ClActivation.NONE;
        if (act == null) return null;
        long[] a = io.in()[0], b = io.in()[1], out = io.out()[0];
        if (a == null || b == null || a.length != 2 || b.length != 2 || out.length != 2) return null;
        boolean ta = node.attrInt("transA", 0) != 0, tb = node.attrInt("transB", 0) != 0;
        int m = (int) (ta ? a[1] : a[0]), k = (int) (ta ? a[0] : a[1]);
        int n = (int) (tb ? b[0] : b[1]);
        if ((tb ? b[1] : b[0]) != k || out[0] != m || out[1] != n) return null;
        float alpha = node.attrFloat("alpha", 1f), beta = node.attrFloat("beta", 1f);
        int biasInput = node.hasInput(2) ? 2 : -1;
        long sbm = 0, sbn = 0;
        if (biasInput >= 0) {
            long[] c = io.in()[2];
            if (c == null || c.length > 2) return null;
            long[] st = Shapes.broadcastStrides(c, new long[] {m, n});
            if (!Arrays.equals(Shapes.broadcast(c, new long[] {m, n}), new long[] {m, n})) return null;
            sbm = st[0];
            sbn = st[1];
        }
        Geometry g = new Geometry(m, n, k, ta ? 1 : k, ta ? m : 1, tb ? 1 : n, tb ? k : 1, n, 1, alpha, beta,
                sbm, sbn, new long[0], 1);
        return ClTunable.tactic("gemm", problem(g), device.info(), t -> new GemmKernel(device, t, g, out, biasInput, act));
    }

    private static final class GemmKernel extends ClOp {
        private final ClTiling tiling;
        private final Geometry g;
        private final long[] out;
        private final int biasInput;
        private final ClActivation act;
        private final cl_mem meta;
        private final ClKernel kernel;

        GemmKernel(OpenClDevice device, ClTiling tiling, Geometry g, long[] out, int biasInput, ClActivation act) {
            super(device);
            this.tiling = tiling;
            this.g = g;
            this.out = out;
            this.biasInput = biasInput;
            this.act = act;
            this.meta = longs(g.batch());
            this.kernel = device.tiledKernel("gemm", tiling);
        }

        @Override
        void run(KernelContext c, OpenClMemory mem) {
            Tensor y = c.output(0, DType.FLOAT32, out);
            List<Object> ya = new ArrayList<>();
            tensor(ya, mem, y);
            List<Object> bias = null;
            if (biasInput >= 0) {
                bias = new ArrayList<>();
                tensor(bias, mem, c.tensor(biasInput));
            }
            enqueue(kernel, tiling, g, meta, operand(mem, c.tensor(0)), operand(mem, c.tensor(1)), ya, bias, act);
        }
    }

    static List<Object> operand(OpenClMemory mem, Tensor t) {
        List<Object> l = new ArrayList<>();
        ClOp.tensor(l, mem, t);
        return l;
    }

    /**
     * Enqueues one batched GEMM: {@code a}, {@code b}, {@code c} and {@code bias} (null: none) each as
     * (buffer, element offset).
     */
    static void enqueue(ClKernel kernel, ClTiling tiling, Geometry g, cl_mem meta, List<Object> a, List<Object> b, List<Object> c,
                        List<Object> bias, ClActivation act) {
        List<Object> args = new ArrayList<>(a);
        args.add(g.sam());
        args.add(g.sak());
        args.addAll(b);
        args.add(g.sbk());
        args.add(g.sbn());
        args.addAll(c);
        args.add(g.scm());
        args.add(g.scn());
        args.addAll(List.of(g.m(), g.n(), g.k(), g.alpha()));
        args.addAll(bias != null ? bias : c);
        args.addAll(List.of(g.sbiasM(), g.sbiasN(), bias != null ? 1 : 0, g.beta()));
        args.addAll(c);
        args.add(0);
        args.add(meta);
        args.add(g.batch().length / 5);
        args.addAll(List.of(act.id(), act.p0(), act.p1()));
        kernel.launch(tiling.global(g.m(), g.n(), g.batchCount()), tiling.local(), args.toArray());
    }
}
