package io.jengine.cpu.ref;

import static io.jengine.cpu.ref.KernelSupport.optionalTensor;
import static io.jengine.cpu.ref.KernelSupport.tensor;

import io.jengine.tensor.Value;
import io.jengine.spi.KernelRegistry;
import io.jengine.tensor.DType;
import io.jengine.tensor.Shapes;
import io.jengine.tensor.Tensor;
import java.util.Arrays;

/** MatMul (numpy batched semantics), Gemm, MatMulInteger, Det; Einsum lives in {@link EinsumKernel}. */
final class LinalgKernels {
    private LinalgKernels() {}

    static void register(KernelRegistry r) {
        r.add("MatMul", 1, n -> (ctx, in) -> new Value[] {matmul(tensor(in, 0), tensor(in, 1), null, null, null)});
        r.add("MatMulInteger", 10, n -> (ctx, in) -> new Value[] {matmul(tensor(in, 0), tensor(in, 1),
                optionalTensor(in, 2), optionalTensor(in, 3), DType.INT32)});
        r.add("Gemm", 1, n -> {
            boolean ta = n.node().attrInt("transA", 0) != 0, tb = n.node().attrInt("transB", 0) != 0;
            double alpha = n.node().attrFloat("alpha", 1f), beta = n.node().attrFloat("beta", 1f);
            return (ctx, in) -> new Value[] {gemm(tensor(in, 0), tensor(in, 1), optionalTensor(in, 2), ta, tb, alpha, beta)};
        });
        r.add("Det", 11, n -> (ctx, in) -> {
            Tensor x = tensor(in, 0);
            long[] s = x.shape();
            int m = (int) s[s.length - 1];
            if (s.length < 2 || s[s.length - 2] != m) {
                throw new IllegalArgumentException("Det needs square matrices, got shape " + Shapes.format(s));
            }
            long batch = x.size() / ((long) m * m);
            Tensor out = Tensor.allocate(x.dtype(), Arrays.copyOf(s, s.length - 2));
            for (long b = 0; b < batch; b++) {
                double[][] a = new double[m][m];
                for (int i = 0; i < m; i++) for (int j = 0; j < m; j++) a[i][j] = x.getDouble(b * m * m + (long) i * m + j);
                out.setDouble(b, determinant(a));
            }
            return new Value[] {out};
        });
        EinsumKernel.register(r);
    }

    /** Batched matrix product with numpy broadcasting of the batch dims; 1-D operands are promoted and squeezed. */
    static Tensor matmul(Tensor a, Tensor b, Tensor aZero, Tensor bZero, DType outType) {
        long[] as = a.shape(), bs = b.shape();
        if (as.length == 0 || bs.length == 0) throw new IllegalArgumentException("MatMul operands must not be scalars");
        boolean aVec = as.length == 1, bVec = bs.length == 1;
        long[] a2 = aVec ? new long[] {1, as[0]} : as, b2 = bVec ? new long[] {bs[0], 1} : bs;
        long m = a2[a2.length - 2], k = a2[a2.length - 1], k2 = b2[b2.length - 2], n = b2[b2.length - 1];
        if (k != k2) {
            throw new IllegalArgumentException("inner dimensions differ: " + Shapes.format(as) + " x " + Shapes.format(bs));
        }
        long[] aBatch = Arrays.copyOf(a2, a2.length - 2), bBatch = Arrays.copyOf(b2, b2.length - 2);
        long[] batch = Shapes.broadcast(aBatch, bBatch);
        long[] aIdx = KernelSupport.broadcastIndex(aBatch, batch), bIdx = KernelSupport.broadcastIndex(bBatch, batch);
        long[] outShape = Arrays.copyOf(batch, batch.length + (aVec ? 0 : 1) + (bVec ? 0 : 1));
        if (!aVec) outShape[batch.length] = m;
        if (!bVec) outShape[outShape.length - 1] = n;
        Tensor out = Tensor.allocate(outType == null ? a.dtype() : outType, outShape);
        boolean integer = outType != null || !a.dtype().isFloatingPoint();
        long count = Shapes.size(batch);
        if (integer) {
            // integers multiply and add in long, wrapping like C, so int64 products keep every bit
            long[] av = a.toLongArray(), bv = b.toLongArray();
            subtractZeroPoint(av, aZero, k, true);
            subtractZeroPoint(bv, bZero, n, false);
            for (long p = 0; p < count; p++) {
                long ao = aIdx[(int) p] * m * k, bo = bIdx[(int) p] * k * n, oo = p * m * n;
                for (long i = 0; i < m; i++) {
                    for (long j = 0; j < n; j++) {
                        long acc = 0;
                        for (long t = 0; t < k; t++) acc += av[(int) (ao + i * k + t)] * bv[(int) (bo + t * n + j)];
                        out.setLong(oo + i * n + j, acc);
                    }
                }
            }
            return out;
        }
        double[] av = a.toDoubleArray(), bv = b.toDoubleArray();
        for (long p = 0; p < count; p++) {
            long ao = aIdx[(int) p] * m * k, bo = bIdx[(int) p] * k * n, oo = p * m * n;
            for (long i = 0; i < m; i++) {
                for (long j = 0; j < n; j++) {
                    double acc = 0;
                    for (long t = 0; t < k; t++) acc += av[(int) (ao + i * k + t)] * bv[(int) (bo + t * n + j)];
                    out.setDouble(oo + i * n + j, acc);
                }
            }
        }
        return out;
    }

    /** Zero points: a scalar, or per row of A (length M) / per column of B (length N). */
    private static void subtractZeroPoint(long[] v, Tensor zp, long cols, boolean perRow) {
        if (zp == null) return;
        if (zp.size() == 1) {
            long z = zp.getLong(0);
            for (int i = 0; i < v.length; i++) v[i] -= z;
            return;
        }
        for (int i = 0; i < v.length; i++) {
            long r = i / cols, c = i % cols;
            v[i] -= zp.getLong(perRow ? r % zp.size() : c % zp.size());
        }
    }

    static Tensor gemm(Tensor a, Tensor b, Tensor c, boolean ta, boolean tb, double alpha, double beta) {
        if (a.rank() != 2 || b.rank() != 2) {
            throw new IllegalArgumentException("Gemm needs 2-D A and B, got " + Shapes.format(a.shape()) + " and "
                    + Shapes.format(b.shape()));
        }
        long m = ta ? a.dim(1) : a.dim(0), k = ta ? a.dim(0) : a.dim(1);
        long kb = tb ? b.dim(1) : b.dim(0), n = tb ? b.dim(0) : b.dim(1);
        if (k != kb) throw new IllegalArgumentException("inner dimensions differ: A " + Shapes.format(a.shape())
                + (ta ? "ᵀ" : "") + " and B " + Shapes.format(b.shape()) + (tb ? "ᵀ" : ""));
        Tensor out = Tensor.allocate(a.dtype(), m, n);
        long[] cIdx = c == null ? null : KernelSupport.broadcastIndex(c.shape(), new long[] {m, n});
        double[] av = a.toDoubleArray(), bv = b.toDoubleArray();
        long a1 = a.dim(1), b1 = b.dim(1);
        for (long i = 0; i < m; i++) {
            for (long j = 0; j < n; j++) {
                double acc = 0;
                for (long t = 0; t < k; t++) {
                    double x = av[(int) (ta ? t * a1 + i : i * a1 + t)], y = bv[(int) (tb ? j * b1 + t : t * b1 + j)];
                    acc += x * y;
                }
                double v = alpha * acc + (c == null ? 0 : beta * c.getDouble(cIdx[(int) (i * n + j)]));
                if (a.dtype().isFloatingPoint()) out.setDouble(i * n + j, v); else out.setLong(i * n + j, (long) v);
            }
        }
        return out;
    }

    /** LU decomposition with partial pivoting. */
    static double determinant(double[][] a) {
        int m = a.length;
        double det = 1;
        for (int c = 0; c < m; c++) {
            int p = c;
            for (int r = c + 1; r < m; r++) if (Math.abs(a[r][c]) > Math.abs(a[p][c])) p = r;
            if (a[p][c] == 0) return 0;
            if (p != c) {
                double[] t = a[p];
                a[p] = a[c];
                a[c] = t;
                det = -det;
            }
            det *= a[c][c];
            for (int r = c + 1; r < m; r++) {
                double f = a[r][c] / a[c][c];
                for (int j = c; j < m; j++) a[r][j] -= f * a[c][j];
            }
        }
        return det;
    }
}
