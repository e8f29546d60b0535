package io.jengine.cpu.nativelib;

import java.lang.foreign.MemorySegment;
import java.util.List;

/**
 * A matrix product with constant weights through oneDNN's matmul primitive, prepared once and run many times on the
 * caller's row-major float32 memory: {@code c = postOps(a * weights + bias)} with a {@code [m, k]}, weights
 * {@code [k, n]} (or {@code [n, k]}, transposed, as ONNX Gemm's transB gives them) and c {@code [m, n]}. The weights
 * are reordered once into the layout oneDNN's kernel chooses. A batched MatMul against 2-D weights is the same
 * product on {@code [batch * m, k]}.
 *
 * <p>As for {@link DnnlConv2d}: the thread count is fixed at prepare time, {@link #run} handles one call at a time,
 * the caller keeps its segments alive during a run and calls {@link #close} to free the native objects.
 */
public final class DnnlMatMul implements AutoCloseable {
    private final int m;
    private final int k;
    private final int n;
    private final DnnlPrimitive primitive;

    private DnnlMatMul(int m, int k, int n, DnnlPrimitive primitive) {
        this.m = m;
        this.k = k;
        this.n = n;
        this.primitive = primitive;
    }

    /**
     * Creates the primitive. {@code weights} hold {@code k * n} floats, row-major {@code [k, n]}, or {@code [n, k]}
     * when {@code weightsTransposed}; {@code bias} has {@code n} values or is null; {@code postOps} apply in order.
     *
     * @throws IllegalArgumentException for sizes below 1, arrays of the wrong length, two sums, or threads below 1
     * @throws NativeCallException where oneDNN refuses the product
     * @throws IllegalStateException where oneDNN did not load
     */
    public static DnnlMatMul prepare(int m, int k, int n, float[] weights, boolean weightsTransposed, float[] bias,
                                     List<DnnlPostOp> postOps, int threads) {
        return prepare(m, k, n, DnnlConv2d.segment(weights), weightsTransposed, bias, postOps, threads);
    }

    /**
     * As {@link #prepare(int, int, int, float[], boolean, float[], List, int)} with the weights as a segment of exactly
     * {@code k * n} floats, only read while preparing (a read-only mapping will do); native memory is reordered into
     * the primitive's layout as it lies, without a copy.
     */
    public static DnnlMatMul prepare(int m, int k, int n, MemorySegment weights, boolean weightsTransposed,
                                     float[] bias, List<DnnlPostOp> postOps, int threads) {
        long elements = checkSizes(m, k, n, bias);
        SegmentChecks.exactFloats("weights", "k * n", weights, elements);
        // logical dims stay [k, n]; tag ba says the bytes are laid out n-major, i.e. [n, k]
        return prepare(m, k, n, weightsTransposed ? Dnnl.dnnl_ba : Dnnl.dnnl_ab, weights, null, bias, postOps, threads,
                "matmul m=" + m + " k=" + k + " n=" + n + (weightsTransposed ? " (weights [n, k])" : ""));
    }

    /**
     * An integer product {@code c = postOps(a * weights + bias)} on row-major memory: {@code q} gives the element
     * types of a and c, the int8 weights {@code [k, n]} row-major and the quantization parameters (see
     * {@link DnnlQuantization}; per-column weight scales are mask 2, the weights' second dim); {@code bias} is in
     * float, {@code n} values or null.
     *
     * @throws IllegalArgumentException for sizes below 1, weights or scales of the wrong length, or threads below 1
     * @throws NativeCallException where oneDNN refuses the product
     * @throws UnsupportedOperationException where oneDNN has only GEMM-driven or reference kernels for it
     */
    static DnnlMatMul prepareQuantized(int m, int k, int n, DnnlQuantization q, float[] bias, List<DnnlPostOp> postOps,
                                       int threads) {
        if (q == null) throw new IllegalArgumentException("quantization is null");
        long elements = checkSizes(m, k, n, bias);
        if (q.weights().length != elements) {
            throw new IllegalArgumentException("weights must hold k * n = " + elements + " int8 values, got "
                    + q.weights().length);
        }
        if (q.weightScales().length != 1 && q.weightScales().length != n) {
            throw new IllegalArgumentException("weight scales must be 1 or n = " + n + ", got " + q.weightScales().length);
        }
        return prepare(m, k, n, Dnnl.dnnl_ab, null, q, bias, postOps, threads,
                "int8 matmul m=" + m + " k=" + k + " n=" + n);
    }

    /** Checks the sizes and the bias, both kinds of product alike; returns the weights' element count. */
    private static long checkSizes(int m, int k, int n, float[] bias) {
        SegmentChecks.positive("m", m);
        SegmentChecks.positive("k", k);
        SegmentChecks.positive("n", n);
        if (bias != null && bias.length != n) {
            throw new IllegalArgumentException("bias must hold n = " + n + " floats, got " + bias.length);
        }
        return Math.multiplyExact((long) k, n);
    }

    /** The primitive of {@code [m, k] x [k, n]}: float weights, or {@code q}'s int8 ones (then weights is null). */
    private static DnnlMatMul prepare(int m, int k, int n, int weightsTag, MemorySegment weights, DnnlQuantization q,
                                      float[] bias, List<DnnlPostOp> postOps, int threads, String context) {
        DnnlPrimitive.Spec spec = new DnnlPrimitive.Spec("dnnl_matmul_primitive_desc_create",
                (out, engine, src, w, b, dst, attr, arena) -> Dnnl.dnnl_matmul_primitive_desc_create(out, engine, src,
                        w, b, dst, attr),
                new long[] {m, k}, Dnnl.dnnl_ab, new long[] {m, n}, Dnnl.dnnl_ab,
                new long[] {k, n}, weightsTag, weights, bias == null ? null : new long[] {1, n}, bias,
                List.copyOf(postOps == null ? List.of() : postOps), threads, context, Dnnl.dnnl_format_tag_undef, q);
        return new DnnlMatMul(m, k, n, DnnlPrimitive.prepare(spec));
    }

    /**
     * A batch of independent products with constant weights, {@code c[i] = a[i] * weights[i]} for i < batch: a
     * {@code [batch, m, k]}, weights {@code [batch, k, n]}, c {@code [batch, m, n]}, all row-major (the products of
     * a Winograd convolution, one per transform position). No bias and no post-ops.
     *
     * @throws IllegalArgumentException for sizes below 1, weights of the wrong length, or threads below 1
     * @throws NativeCallException where oneDNN refuses the product
     * @throws UnsupportedOperationException where oneDNN has only its GEMM-driven kernel for it
     * @throws IllegalStateException where oneDNN did not load
     */
    public static DnnlMatMul prepareBatched(int batch, int m, int k, int n, float[] weights, int threads) {
        return prepareBatched(batch, m, k, n, DnnlConv2d.segment(weights), threads);
    }

    /**
     * As {@link #prepareBatched(int, int, int, int, float[], int)} with the weights as a segment of exactly
     * {@code batch * k * n} floats, only read while preparing: native memory is reordered as it lies, without a copy.
     */
    public static DnnlMatMul prepareBatched(int batch, int m, int k, int n, MemorySegment weights, int threads) {
        return prepareBatched(batch, m, k, n, weights, threads, (long) m * k, (long) m * n);
    }

    /**
     * As {@link #prepareBatched(int, int, int, int, MemorySegment, int)}, with {@code aStride} floats from one matrix
     * of {@code a} to the next and {@code cStride} from one of {@code c} to the next (at least {@code m * k} and
     * {@code m * n}): a gap between them keeps the matrices off the same cache sets where a dense batch would put
     * them a multiple of 4 KiB apart. {@code a} and {@code c} then span {@code (batch - 1) * stride + m * k} (or
     * {@code m * n}) floats.
     */
    public static DnnlMatMul prepareBatched(int batch, int m, int k, int n, MemorySegment weights, int threads,
                                            long aStride, long cStride) {
        SegmentChecks.positive("batch", batch);
        SegmentChecks.positive("m", m);
        SegmentChecks.positive("k", k);
        SegmentChecks.positive("n", n);
        long elements = Math.multiplyExact(Math.multiplyExact((long) batch, k), n);
        SegmentChecks.exactFloats("weights", "batch * k * n", weights, elements);
        if (aStride < (long) m * k || cStride < (long) m * n) {
            throw new IllegalArgumentException("batch strides " + aStride + " and " + cStride + " are below m * k = "
                    + (long) m * k + " and m * n = " + (long) m * n);
        }
        boolean dense = aStride == (long) m * k && cStride == (long) m * n;
        DnnlPrimitive.Spec spec = new DnnlPrimitive.Spec("dnnl_matmul_primitive_desc_create",
                (out, engine, src, w, b, dst, attr, arena) -> Dnnl.dnnl_matmul_primitive_desc_create(out, engine, src,
                        w, b, dst, attr),
                new long[] {batch, m, k}, Dnnl.dnnl_abc, new long[] {batch, m, n}, Dnnl.dnnl_abc,
                new long[] {batch, k, n}, Dnnl.dnnl_abc, weights, null, null, List.of(), threads,
                "batched matmul " + batch + " x (m=" + m + " k=" + k + " n=" + n + ")", Dnnl.dnnl_format_tag_undef,
                null, dense ? null : new long[] {aStride, k, 1}, dense ? null : new long[] {cStride, n, 1});
        return new DnnlMatMul(Math.multiplyExact(batch, m), k, n, DnnlPrimitive.prepare(spec));
    }

    /**
     * Computes {@code c} ({@code [m, n]} floats) from {@code a} ({@code [m, k]}); {@code residual} (c's shape, or c
     * itself) is required with a sum post-op and must be null without one. Checked before any native call.
     */
    public void run(MemorySegment a, MemorySegment c, MemorySegment residual) {
        primitive.run("a", a, "c", c, residual);
    }

    public int m() {
        return m;
    }

    public int k() {
        return k;
    }

    public int n() {
        return n;
    }

    public int threads() {
        return primitive.threads();
    }

    /** The implementation oneDNN chose, e.g. {@code brg_matmul:avx2}. */
    public String implementation() {
        return primitive.implementation();
    }

    @Override
    public void close() {
        primitive.close();
    }
}
