package io.jengine.cpu.ref;

import io.jengine.ir.Node;
import io.jengine.runtime.Value;
import io.jengine.spi.KernelRegistry;
import io.jengine.tensor.DType;
import io.jengine.tensor.Shapes;
import io.jengine.tensor.Tensor;

/** MatMul, MatMulInteger, Gemm and Det; Einsum is in {@link EinsumKernel}. */
final class LinalgKernels {
    private LinalgKernels() {}

    static void register(KernelRegistry r) {
        r.add("MatMul", 1, ctx -> (c, in) ->
                new Value[] {matmul(KernelSupport.tensor(in, 0), KernelSupport.tensor(in, 1), null, null, null)});
        r.add("MatMulInteger", 10, ctx -> (c, in) -> new Value[] {matmul(KernelSupport.tensor(in, 0),
                KernelSupport.tensor(in, 1), KernelSupport.optionalTensor(in, 2), KernelSupport.optionalTensor(in, 3),
                DType.INT32)});
        r.add("Gemm", 1, ctx -> gemm(ctx.node()));
        r.add("Det", 11, ctx -> (c, in) -> new Value[] {det(KernelSupport.tensor(in, 0))});
        r.add("Einsum", 12, ctx -> new EinsumKernel(ctx.node().attrString("equation", "")));
    }

    /**
     * numpy matmul: 1-D operands are promoted (a to [1,k], b to [k,1]) and the added dim dropped again; leading
     * dims broadcast. With zero points (MatMulInteger) they are subtracted first: a's per row, b's per column.
     */
    static Tensor matmul(Tensor a, Tensor b, Tensor aZero, Tensor bZero, DType outType) {
        long[] as = a.shape();
        long[] bs = b.shape();
        if (as.length == 0 || bs.length == 0) throw new IllegalArgumentException("MatMul inputs must not be scalars");
        boolean aVec = as.length == 1;
        boolean bVec = bs.length == 1;
        long[] a2 = aVec ? new long[] {1, as[0]} : as;
        long[] b2 = bVec ? new long[] {bs[0], 1} : bs;
        long m = a2[a2.length - 2];
        long k = a2[a2.length - 1];
        long n = b2[b2.length - 1];
        if (b2[b2.length - 2] != k) {
            throw new IllegalArgumentException("MatMul inner dimensions differ: A " + Shapes.format(as) + ", B "
                    + Shapes.format(bs));
        }
        long[] aBatch = java.util.Arrays.copyOf(a2, a2.length - 2);
        long[] bBatch = java.util.Arrays.copyOf(b2, b2.length - 2);
        long[] batch = Shapes.broadcast(aBatch, bBatch);
        long[] aIdx = KernelSupport.broadcastIndex(aBatch, batch);
        long[] bIdx = KernelSupport.broadcastIndex(bBatch, batch);
        long[] full = new long[batch.length + 2];
        System.arraycopy(batch, 0, full, 0, batch.length);
        full[batch.length] = m;
        full[batch.length + 1] = n;
        DType t = outType != null ? outType : a.dtype();
        Tensor out = Tensor.allocate(t, full);
        boolean integer = t.isInteger();
        for (int bi = 0; bi < aIdx.length; bi++) {
            long aOff = aIdx[bi] * m * k;
            long bOff = bIdx[bi] * k * n;
            long oOff = (long) bi * m * n;
            for (long i = 0; i < m; i++) {
                long za = zeroPoint(aZero, i);
                for (long j = 0; j < n; j++) {
                    long zb = zeroPoint(bZero, j);
                    if (integer) {
                        long s = 0;
                        for (long p = 0; p < k; p++) {
                            s += (a.getLong(aOff + i * k + p) - za) * (b.getLong(bOff + p * n + j) - zb);
                        }
                        out.setLong(oOff + i * n + j, s);
                    } else {
                        double s = 0;
                        for (long p = 0; p < k; p++) s += a.getDouble(aOff + i * k + p) * b.getDouble(bOff + p * n + j);
                        out.setDouble(oOff + i * n + j, s);
                    }
                }
            }
        }
        if (aVec || bVec) {
            long[] shape = new long[full.length - (aVec ? 1 : 0) - (bVec ? 1 : 0)];
            int o = 0;
            for (int d = 0; d < full.length; d++) {
                if ((aVec && d == full.length - 2) || (bVec && d == full.length - 1)) continue;
                shape[o++] = full[d];
            }
            Tensor r = out.reshape(shape);
            out.close();
            return r;
        }
        return out;
    }

    /** A scalar zero point, or entry {@code i} of a per-row/per-column one; 0 when absent. */
    private static long zeroPoint(Tensor z, long i) {
        if (z == null) return 0;
        return z.size() == 1 ? z.getLong(0) : z.getLong(i);
    }

    private static io.jengine.spi.Kernel gemm(Node n) {
        boolean transA = n.attrInt("transA", 0) != 0;
        boolean transB = n.attrInt("transB", 0) != 0;
        double alpha = n.attrFloat("alpha", 1f);
        double beta = n.attrFloat("beta", 1f);
        return (c, in) -> {
            Tensor a = KernelSupport.tensor(in, 0);
            Tensor b = KernelSupport.tensor(in, 1);
            Tensor cT = KernelSupport.optionalTensor(in, 2);
            if (a.rank() != 2 || b.rank() != 2) {
                throw new IllegalArgumentException("Gemm inputs A and B must be 2-D, got " + Shapes.format(a.shape())
                        + " and " + Shapes.format(b.shape()));
            }
            long m = transA ? a.dim(1) : a.dim(0);
            long k = transA ? a.dim(0) : a.dim(1);
            long kb = transB ? b.dim(1) : b.dim(0);
            long n2 = transB ? b.dim(0) : b.dim(1);
            if (k != kb) throw new IllegalArgumentException("Gemm inner dimensions differ: " + k + " vs " + kb);
            long[] outShape = {m, n2};
            long[] cIdx = cT == null ? null : KernelSupport.broadcastIndex(cT.shape(), outShape);
            Tensor out = Tensor.allocate(a.dtype(), outShape);
            boolean integer = a.dtype().isInteger();
            for (long i = 0; i < m; i++) {
                for (long j = 0; j < n2; j++) {
                    double s = 0;
                    for (long p = 0; p < k; p++) {
                        double av = a.getDouble(transA ? p * m + i : i * k + p);
                        double bv = b.getDouble(transB ? j * k + p : p * n2 + j);
                        s += av * bv;
                    }
                    double v = alpha * s;
                    if (cT != null) v += beta * cT.getDouble(cIdx[(int) (i * n2 + j)]);
                    if (integer) out.setLong(i * n2 + j, (long) v);
                    else out.setDouble(i * n2 + j, v);
                }
            }
            return new Value[] {out};
        };
    }

    /** Determinant of each trailing [n,n] matrix by Gaussian elimination with partial pivoting. */
    static Tensor det(Tensor x) {
        long[] s = x.shape();
        if (s.length < 2 || s[s.length - 1] != s[s.length - 2]) {
            throw new IllegalArgumentException("Det input must be [..., n, n], got " + Shapes.format(s));
        }
        int n = (int) s[s.length - 1];
        long[] outShape = java.util.Arrays.copyOf(s, s.length - 2);
        Tensor out = Tensor.allocate(x.dtype(), outShape);
        long count = Shapes.size(outShape);
        for (long b = 0; b < count; b++) {
            double[][] a = new double[n][n];
            for (int i = 0; i < n; i++) for (int j = 0; j < n; j++) a[i][j] = x.getDouble(b * n * n + (long) i * n + j);
            double d = 1;
            for (int col = 0; col < n; col++) {
                int piv = col;
                for (int r = col + 1; r < n; r++) if (Math.abs(a[r][col]) > Math.abs(a[piv][col])) piv = r;
                if (a[piv][col] == 0) {
                    d = 0;
                    break;
                }
                if (piv != col) {
                    double[] tmp = a[piv];
                    a[piv] = a[col];
                    a[col] = tmp;
                    d = -d;
                }
                d *= a[col][col];
                for (int r = col + 1; r < n; r++) {
                    double f = a[r][col] / a[col][col];
                    for (int j = col; j < n; j++) a[r][j] -= f * a[col][j];
                }
            }
            out.setDouble(b, d);
        }
        return out;
    }
}
