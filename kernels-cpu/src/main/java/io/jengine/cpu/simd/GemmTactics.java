package io.jengine.cpu.simd;

import io.jengine.ir.FusedOpSpec;
import io.jengine.ir.Node;
import io.jengine.spi.GemmProblem;
import io.jengine.spi.Kernel;
import io.jengine.spi.KernelContext;
import io.jengine.spi.NodeContext;
import io.jengine.spi.Tactic;
import io.jengine.tensor.DType;
import io.jengine.tensor.Shapes;
import io.jengine.tensor.Tensor;
import io.jengine.tensor.ValueType;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Gemm, FusedGemm, MatMul and FusedMatMul in float32 on the packed GEMM. A constant right-hand side (the weights of a
 * fully connected or projection layer) is packed once at prepare time; MatMul's leading dimensions of A fold into M
 * when B is a constant matrix, else every batch of A and B (same leading dimensions) is one product. Bias (Gemm's C,
 * FusedMatMul's bias) and the fused activation are applied as the GEMM stores its results.
 */
final class GemmTactics {
    private GemmTactics() {}

    static void register(Map<String, TacticSource> m) {
        m.put("Gemm", GemmTactics::gemm);
        m.put(FusedOpSpec.FUSED_GEMM, GemmTactics::gemm);
        m.put("MatMul", GemmTactics::matmul);
        m.put(FusedOpSpec.FUSED_MATMUL, GemmTactics::matmul);
    }

    private static boolean float32(NodeContext ctx, int i) {
        return ctx.inputType(i) instanceof ValueType.TensorType t && t.elementType() == DType.FLOAT32;
    }

    private static Activation activation(Node n) {
        FusedOpSpec.Activation a = n.domain().equals(FusedOpSpec.DOMAIN) ? FusedOpSpec.Activation.of(n)
                : FusedOpSpec.Activation.NONE;
        return Activation.of(a.name(), a.params());
    }

    // ---- Gemm: Y = act(alpha * A' * B' + beta * C) ----

    private static List<Tactic> gemm(NodeContext ctx, String backend) {
        Node n = ctx.node();
        long[] a = ctx.inputDims(0), b = ctx.inputDims(1);
        if (a == null || b == null || a.length != 2 || b.length != 2 || !float32(ctx, 0) || !float32(ctx, 1)) return List.of();
        boolean ta = n.attrInt("transA", 0) != 0, tb = n.attrInt("transB", 0) != 0;
        int m = (int) (ta ? a[1] : a[0]), k = (int) (ta ? a[0] : a[1]), nn = (int) (tb ? b[0] : b[1]);
        if ((tb ? b[1] : b[0]) != k) return List.of();
        float alpha = n.attrFloat("alpha", 1f), beta = n.attrFloat("beta", 1f);
        Epilogue e;
        try {
            e = Epilogue.of(activation(n)).withAlpha(alpha);
        } catch (IllegalArgumentException ex) {
            return List.of();
        }
        Tensor c = ctx.constant(2);
        if (n.hasInput(2)) {
            if (c == null || c.dtype() != DType.FLOAT32) return List.of();
            long[] cs = c.shape();
            float[] cv = c.toFloatArray();
            for (int i = 0; i < cv.length; i++) cv[i] *= beta;
            if (c.size() == 1) {
                float[] col = new float[nn];
                Arrays.fill(col, cv[0]);
                e = e.withColumnBias(col);
            } else if (c.size() == nn && (cs.length == 1 || cs[0] == 1)) {
                e = e.withColumnBias(cv);
            } else if (cs.length == 2 && cs[0] == m && cs[1] == 1) {
                e = e.withRowBias(cv);
            } else {
                return List.of(); // a full [M, N] C: left to the reference
            }
        }
        Epilogue epilogue = e;
        long[] out = {m, nn};
        Tensor w = ctx.constant(1);
        if (w != null && w.dtype() == DType.FLOAT32) {
            GemmProblem p = new GemmProblem(m, nn, k, 1, false, true, 1);
            return List.of(TunableGemm.tactic(backend, "gemm.packed-b", p, blk -> () -> {
                Matrix bm = Matrix.copyOf(w.toFloatArray(), (int) b[0], (int) b[1]);
                PackedB packed = PackedB.pack(tb ? bm.transpose() : bm, blk);
                return ctx2 -> {
                    Tensor x = checked(ctx2, 0, a);
                    Tensor y = ctx2.output(0, DType.FLOAT32, out);
                    Matrix am = Matrix.of(x.data(), 0, (int) a[0], (int) a[1]);
                    Sgemm.multiply(ta ? am.transpose() : am, packed, Matrix.of(y.data(), 0, m, nn), epilogue, ctx2.threads());
                };
            }));
        }
        GemmProblem p = new GemmProblem(m, nn, k, 1, false, false, 1);
        return List.of(TunableGemm.tactic(backend, "gemm", p, blk -> () -> ctx2 -> {
            Tensor x = checked(ctx2, 0, a), bt = checked(ctx2, 1, b);
            Tensor y = ctx2.output(0, DType.FLOAT32, out);
            Matrix am = Matrix.of(x.data(), 0, (int) a[0], (int) a[1]), bm = Matrix.of(bt.data(), 0, (int) b[0], (int) b[1]);
            Sgemm.multiply(ta ? am.transpose() : am, tb ? bm.transpose() : bm, Matrix.of(y.data(), 0, m, nn), epilogue,
                    ctx2.threads(), blk);
        }));
    }

    // ---- MatMul: numpy matmul, rank >= 2 ----

    private static List<Tactic> matmul(NodeContext ctx, String backend) {
        Node n = ctx.node();
        long[] a = ctx.inputDims(0), b = ctx.inputDims(1);
        if (a == null || b == null || a.length < 2 || b.length < 2 || !float32(ctx, 0) || !float32(ctx, 1)) return List.of();
        int k = (int) a[a.length - 1], nn = (int) b[b.length - 1];
        if (b[b.length - 2] != k) return List.of();
        Epilogue e;
        try {
            e = Epilogue.of(activation(n));
        } catch (IllegalArgumentException ex) {
            return List.of();
        }
        if (n.domain().equals(FusedOpSpec.DOMAIN) && n.hasInput(FusedOpSpec.MATMUL_BIAS)) {
            Tensor bias = ctx.constant(FusedOpSpec.MATMUL_BIAS);
            if (bias == null || bias.dtype() != DType.FLOAT32 || bias.size() != nn) return List.of();
            e = e.withColumnBias(bias.toFloatArray());
        }
        Epilogue epilogue = e;
        Tensor w = ctx.constant(1);
        if (b.length == 2) {
            // A's leading dimensions fold into M: one GEMM of [M, K] x [K, N].
            long[] out = a.clone();
            out[out.length - 1] = nn;
            int m = Math.toIntExact(Shapes.size(a) / k);
            if (w != null && w.dtype() == DType.FLOAT32) {
                GemmProblem p = new GemmProblem(m, nn, k, 1, false, true, 1);
                return List.of(TunableGemm.tactic(backend, "matmul.packed-b", p, blk -> () -> {
                    PackedB packed = PackedB.pack(Matrix.copyOf(w.toFloatArray(), k, nn), blk);
                    return ctx2 -> {
                        Tensor x = checked(ctx2, 0, a);
                        Tensor y = ctx2.output(0, DType.FLOAT32, out);
                        Sgemm.multiply(Matrix.of(x.data(), 0, m, k), packed, Matrix.of(y.data(), 0, m, nn), epilogue,
                                ctx2.threads());
                    };
                }));
            }
        }
        // Batched: the same leading dimensions on both sides (after prepending ones to the shorter), no broadcasting.
        if (a.length != b.length || !Arrays.equals(a, 0, a.length - 2, b, 0, b.length - 2)) {
            if (b.length != 2) return List.of();
        }
        int m = (int) a[a.length - 2];
        long batches = Shapes.size(a) / ((long) m * k);
        long bStride = b.length == 2 ? 0 : (long) k * nn;
        long[] out = a.clone();
        out[out.length - 1] = nn;
        GemmProblem p = new GemmProblem(m, nn, k, Math.toIntExact(batches), false, false, 1);
        return List.of(TunableGemm.tactic(backend, "matmul.batched", p, blk -> () -> (Kernel) ctx2 -> {
            Tensor x = checked(ctx2, 0, a), bt = checked(ctx2, 1, b);
            Tensor y = ctx2.output(0, DType.FLOAT32, out);
            for (long i = 0; i < batches; i++) {
                Sgemm.multiply(Matrix.of(x.data(), 4 * i * m * k, m, k), Matrix.of(bt.data(), 4 * i * bStride, k, nn),
                        Matrix.of(y.data(), 4 * i * m * nn, m, nn), epilogue, ctx2.threads(), blk);
            }
        }));
    }

    private static Tensor checked(KernelContext ctx, int i, long[] dims) {
        Tensor t = ctx.tensor(i);
        if (t.dtype() != DType.FLOAT32 || !t.hasShape(dims)) {
            throw new IllegalArgumentException("input " + i + " is " + t.describe() + ", the plan was made for float32 "
                    + Shapes.format(dims));
        }
        return t;
    }
}
