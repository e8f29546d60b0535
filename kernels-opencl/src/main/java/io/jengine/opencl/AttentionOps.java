package io.jengine.opencl;

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
import org.jocl.cl_mem;

/**
 * {@code jengine::ScaledDotProductAttention}, softmax((Q·sq)(Kᵀ·sk) + mask)·V, as three launches on the session's
 * scratch buffer: the scores GEMM with both scales as its alpha and the mask added in its store, the row softmax in
 * place (NaN rows to {@code nan_value} when the node has it), and the GEMM with V. Batch axes broadcast as MatMul's do.
 */
final class AttentionOps {
    private AttentionOps() {}

    static Supplier<ClOp> attention(NodeContext ctx, Io io, OpenClDevice device) {
        Node node = ctx.node();
        long[] q = io.in()[0], kt = io.in()[1], v = io.in()[2], out = io.out()[0];
        if (!io.allFloat32() || !MatrixOps.fits(device) || q == null || kt == null || v == null || out == null
                || io.namedOutputs() != 1 || q.length < 2 || kt.length < 2 || v.length < 2) {
            return null;
        }
        int s = (int) q[q.length - 2], d = (int) q[q.length - 1], skv = (int) kt[kt.length - 1];
        int dv = (int) v[v.length - 1];
        if (kt[kt.length - 2] != d || v[v.length - 2] != skv) return null;
        long[] qb = batch(q), kb = batch(kt), vb = batch(v);
        long[] sb = Shapes.broadcast(qb, kb);
        long[] ob = Shapes.broadcast(sb, vb);
        long[] scores = concat(sb, s, skv);
        if (!Arrays.equals(concat(ob, s, dv), out)) return null;
        int maskInput = node.hasInput(3) ? 3 : -1;
        long[] maskStrides = null;
        if (maskInput >= 0) {
            long[] m = io.in()[3];
            if (m == null || !Arrays.equals(Shapes.broadcast(m, scores), scores)) return null;
            maskStrides = Shapes.broadcastStrides(m, scores);
        }
        float alpha = node.attrFloat("q_scale", 1f) * node.attrFloat("k_scale", 1f);
        boolean hasNan = node.hasAttr("nan_value");
        float nanValue = node.attrFloat("nan_value", 0f);
        // scores = alpha q.kT + mask, batched over sb
        long[] m1 = new long[5 * sb.length];
        long[] qs = Shapes.broadcastStrides(qb, sb), ks = Shapes.broadcastStrides(kb, sb), ss = Shapes.strides(sb);
        for (int i = 0; i < sb.length; i++) {
            m1[5 * i] = sb[i];
            m1[5 * i + 1] = qs[i] * s * d;
            m1[5 * i + 2] = ks[i] * d * skv;
            m1[5 * i + 3] = ss[i] * s * skv;
            m1[5 * i + 4] = maskStrides == null ? 0 : maskStrides[i];
        }
        long sbm = maskStrides == null ? 0 : maskStrides[scores.length - 2];
        long sbn = maskStrides == null ? 0 : maskStrides[scores.length - 1];
        MatrixOps.Geometry g1 = new MatrixOps.Geometry(s, skv, d, d, 1, skv, 1, skv, 1, alpha, 1f, sbm, sbn, m1,
                Shapes.size(sb));
        // out = probs.v, batched over ob
        long[] m2 = new long[5 * ob.length];
        long[] ps = Shapes.broadcastStrides(sb, ob), vs = Shapes.broadcastStrides(vb, ob), os = Shapes.strides(ob);
        for (int i = 0; i < ob.length; i++) {
            m2[5 * i] = ob[i];
            m2[5 * i + 1] = ps[i] * s * skv;
            m2[5 * i + 2] = vs[i] * skv * dv;
            m2[5 * i + 3] = os[i] * s * dv;
        }
        MatrixOps.Geometry g2 = new MatrixOps.Geometry(s, dv, skv, skv, 1, dv, 1, dv, 1, 1f, 1f, 0, 0, m2,
                Shapes.size(ob));
        long scoreCount = Shapes.size(scores);
        long local = RowOps.groupSize(device, skv);
        ClTiling tiling = ClTiling.defaultFor(device.info());
        return () -> new ClOp(device) {
            private final cl_mem meta1 = longs(m1), meta2 = longs(m2);
            private final ClKernel gemm = device.tiledKernel("gemm", tiling);
            private final ClKernel softmax = device.kernel("softmax", "rows.cl");

            @Override
            void run(KernelContext c, OpenClMemory mem) {
                cl_mem scratch = mem.scratch(scoreCount * 4);
                List<Object> sc = List.of(scratch, 0L);
                List<Object> mask = maskInput < 0 ? null : operand(mem, c.tensor(maskInput));
                MatrixOps.enqueue(gemm, tiling, g1, meta1, operand(mem, c.tensor(0)), operand(mem, c.tensor(1)), sc, mask,
                        ClActivation.NONE);
                List<Object> args = new ArrayList<>(sc);
                args.addAll(sc);
                args.addAll(List.of(skv, 1, 0, hasNan ? 1 : 0, nanValue));
                softmax.launch(new long[] {scoreCount / Math.max(1, skv) * local}, new long[] {local}, args.toArray());
                Tensor y = c.output(0, DType.FLOAT32, out);
                MatrixOps.enqueue(gemm, tiling, g2, meta2, sc, operand(mem, c.tensor(2)), operand(mem, y), null,
                        ClActivation.NONE);
            }
        };
    }

    private static List<Object> operand(OpenClMemory mem, Tensor t) {
        List<Object> l = new ArrayList<>();
        ClOp.tensor(l, mem, t);
        return l;
    }

    private static long[] batch(long[] shape) { return Arrays.copyOf(shape, shape.length - 2); }

    private static long[] concat(long[] batch, long a, long b) {
        long[] r = Arrays.copyOf(batch, batch.length + 2);
        r[batch.length] = a;
        r[batch.length + 1] = b;
        return r;
    }
}
