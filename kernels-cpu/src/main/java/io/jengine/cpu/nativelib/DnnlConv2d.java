package io.jengine.cpu.nativelib;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.List;

/**
 * A 2-D convolution forward (inference) through oneDNN, prepared once and run many times on the caller's NCHW
 * float32 memory: {@code y = postOps(conv(x, weights) + bias)}.
 *
 * <p>At {@link #prepare} the primitive is created with its weights in {@code format_tag any}, so oneDNN picks the
 * blocked layout its fastest kernel wants, and the ONNX-layout weights are reordered into it once; the bias is kept
 * in native memory. {@link #run} only points the source and destination memory objects at the caller's segments and
 * executes. A {@link DnnlPostOp.Sum} adds the residual: it is copied into {@code y} first (unless it is {@code y}),
 * because oneDNN's sum post-op accumulates onto what the destination holds.
 *
 * <p>Threads: the count is fixed at prepare time and set on the calling thread (OpenMP's count is per thread) before
 * both creation and every execution, because oneDNN's OpenMP kernels may size their work split when the primitive
 * is created. {@link #run} is synchronized: the memory objects are re-pointed per call, so one instance runs one call
 * at a time; prepare one per concurrent caller. Each instance has its own stream for the same reason. The caller
 * keeps x, y and residual alive during {@code run}, and calls {@link #close} to free the native objects.
 */
public final class DnnlConv2d implements AutoCloseable {
    private final ConvParams params;
    private final int threads;
    private final boolean hasSum;
    private final String implementation;
    private final DnnlHandles handles;
    private final Arena arena;
    private final MemorySegment stream;
    private final MemorySegment primitive;
    private final MemorySegment srcMemory;
    private final MemorySegment dstMemory;
    private final MemorySegment args;
    private final int nargs;
    private boolean closed;

    private DnnlConv2d(ConvParams params, int threads, boolean hasSum, String implementation, DnnlHandles handles,
                       Arena arena, MemorySegment stream, MemorySegment primitive, MemorySegment srcMemory,
                       MemorySegment dstMemory, MemorySegment args, int nargs) {
        this.params = params;
        this.threads = threads;
        this.hasSum = hasSum;
        this.implementation = implementation;
        this.handles = handles;
        this.arena = arena;
        this.stream = stream;
        this.primitive = primitive;
        this.srcMemory = srcMemory;
        this.dstMemory = dstMemory;
        this.args = args;
        this.nargs = nargs;
    }

    /**
     * Creates the primitive for {@code p}. {@code weights} are in ONNX's {@code [m, c / groups, kH, kW]} order;
     * {@code bias} has {@code m} values or is null; {@code postOps} apply in order, with at most one
     * {@link DnnlPostOp.Sum}.
     *
     * @throws IllegalArgumentException for arrays of the wrong length, two sums, or threads below 1
     * @throws NativeCallException where oneDNN refuses the convolution (the message names the call and status)
     * @throws IllegalStateException where oneDNN did not load
     */
    public static DnnlConv2d prepare(ConvParams p, float[] weights, float[] bias, List<DnnlPostOp> postOps,
                                     int threads) {
        if (p == null) throw new IllegalArgumentException("conv params are null");
        if (weights == null || weights.length != p.weightElements()) {
            throw new IllegalArgumentException("weights must hold m * c/groups * kH * kW = " + p.weightElements()
                    + " floats, got " + (weights == null ? "null" : weights.length));
        }
        if (bias != null && bias.length != p.m()) {
            throw new IllegalArgumentException("bias must hold m = " + p.m() + " floats, got " + bias.length);
        }
        List<DnnlPostOp> ops = List.copyOf(postOps == null ? List.of() : postOps);
        long sums = ops.stream().filter(o -> o instanceof DnnlPostOp.Sum).count();
        if (sums > 1) throw new IllegalArgumentException("at most one sum post-op, got " + sums);
        SegmentChecks.positive("threads", threads);

        String context = "for " + p;
        DnnlHandles owned = new DnnlHandles();
        Arena arena = Arena.ofShared();
        try (DnnlHandles temp = new DnnlHandles(); Arena tempArena = Arena.ofConfined()) {
            MemorySegment engine = DnnlEngine.cpu();
            int g = p.groups();
            long[] src = {p.n(), p.c(), p.h(), p.w()};
            long[] dst = {p.n(), p.m(), p.outH(), p.outW()};
            long[] wDims = g == 1 ? new long[] {p.m(), p.c(), p.kernelH(), p.kernelW()}
                    : new long[] {g, p.m() / g, p.c() / g, p.kernelH(), p.kernelW()};
            int wTag = g == 1 ? Dnnl.dnnl_abcd : Dnnl.dnnl_abcde;

            MemorySegment srcMd = desc(temp, tempArena, src, Dnnl.dnnl_abcd, context);
            MemorySegment dstMd = desc(temp, tempArena, dst, Dnnl.dnnl_abcd, context);
            MemorySegment anyWeightsMd = desc(temp, tempArena, wDims, Dnnl.dnnl_format_tag_any, context);
            MemorySegment userWeightsMd = desc(temp, tempArena, wDims, wTag, context);
            MemorySegment biasMd = bias == null ? MemorySegment.NULL
                    : desc(temp, tempArena, new long[] {p.m()}, Dnnl.dnnl_a, context);
            MemorySegment attr = attributes(temp, ops, context);

            Gomp.omp_set_num_threads(threads);
            MemorySegment pd = temp.create("dnnl_convolution_forward_primitive_desc_create",
                    out -> Dnnl.dnnl_convolution_forward_primitive_desc_create(out, engine,
                            Dnnl.dnnl_forward_inference, Dnnl.dnnl_convolution_direct, srcMd, anyWeightsMd, biasMd,
                            dstMd, Dnnl.dims(tempArena, p.strideH(), p.strideW()),
                            Dnnl.dims(tempArena, p.dilationH() - 1, p.dilationW() - 1),
                            Dnnl.dims(tempArena, p.padTop(), p.padLeft()),
                            Dnnl.dims(tempArena, p.padBottom(), p.padRight()), attr),
                    Dnnl::dnnl_primitive_desc_destroy, "dnnl_primitive_desc_destroy", context);
            String impl = implementation(pd);
            MemorySegment stream = owned.create("dnnl_stream_create",
                    out -> Dnnl.dnnl_stream_create(out, engine, Dnnl.dnnl_stream_default_flags),
                    Dnnl::dnnl_stream_destroy, "dnnl_stream_destroy", context);
            MemorySegment primitive = owned.create("dnnl_primitive_create", out -> Dnnl.dnnl_primitive_create(out, pd),
                    Dnnl::dnnl_primitive_destroy, "dnnl_primitive_destroy", context);

            MemorySegment weightsMd = Dnnl.dnnl_primitive_desc_query_md(pd, Dnnl.dnnl_query_weights_md, 0);
            MemorySegment weightsMemory = memory(owned, weightsMd, engine, Dnnl.DNNL_MEMORY_ALLOCATE, context);
            reorderWeights(temp, tempArena, engine, stream, userWeightsMd, weightsMd, weightsMemory, weights, context);

            MemorySegment srcMemory = memory(owned, srcMd, engine, Dnnl.DNNL_MEMORY_NONE, context);
            MemorySegment dstMemory = memory(owned, dstMd, engine, Dnnl.DNNL_MEMORY_NONE, context);
            MemorySegment args = arena.allocate(Dnnl.dnnl_exec_arg_t, 4);
            Dnnl.setExecArg(args, 0, Dnnl.DNNL_ARG_SRC, srcMemory);
            Dnnl.setExecArg(args, 1, Dnnl.DNNL_ARG_WEIGHTS, weightsMemory);
            Dnnl.setExecArg(args, 2, Dnnl.DNNL_ARG_DST, dstMemory);
            int nargs = 3;
            if (bias != null) {
                MemorySegment biasData = arena.allocate(JAVA_FLOAT, bias.length);
                MemorySegment.copy(bias, 0, biasData, JAVA_FLOAT, 0, bias.length);
                Dnnl.setExecArg(args, nargs++, Dnnl.DNNL_ARG_BIAS, memory(owned, biasMd, engine, biasData, context));
            }
            return new DnnlConv2d(p, threads, sums == 1, impl, owned, arena, stream, primitive, srcMemory, dstMemory,
                    args, nargs);
        } catch (RuntimeException | Error e) {
            try {
                owned.close();
            } catch (RuntimeException suppressed) {
                e.addSuppressed(suppressed);
            }
            arena.close();
            throw e;
        }
    }

    /**
     * Computes {@code y} from {@code x} ({@code [n, c, h, w]} floats) into {@code y} ({@code [n, m, outH, outW]});
     * {@code residual} (same shape as y, or y itself) is required with a sum post-op and must be null without one.
     * Segments must be native and large enough, and x must not overlap y; this is checked before any native call.
     */
    public synchronized void run(MemorySegment x, MemorySegment y, MemorySegment residual) {
        if (closed) throw new IllegalStateException("this DnnlConv2d is closed");
        MemorySegment xs = SegmentChecks.floats("x", x, 0, params.srcElements());
        MemorySegment ys = SegmentChecks.floats("y", y, 0, params.dstElements());
        if (xs.asOverlappingSlice(ys).isPresent()) throw new IllegalArgumentException("x and y overlap");
        if (hasSum) {
            if (residual == null) throw new IllegalArgumentException("the sum post-op needs a residual, got null");
            MemorySegment rs = SegmentChecks.floats("residual", residual, 0, params.dstElements());
            if (rs.address() != ys.address()) {
                if (rs.asOverlappingSlice(ys).isPresent()) {
                    throw new IllegalArgumentException("residual must be y itself or not overlap it");
                }
                MemorySegment.copy(rs, 0, ys, 0, ys.byteSize());
            }
        } else if (residual != null) {
            throw new IllegalArgumentException("a residual was given but the convolution has no sum post-op");
        }
        DnnlStatus.check(Dnnl.dnnl_memory_set_data_handle(srcMemory, xs), "dnnl_memory_set_data_handle");
        DnnlStatus.check(Dnnl.dnnl_memory_set_data_handle(dstMemory, ys), "dnnl_memory_set_data_handle");
        Gomp.omp_set_num_threads(threads);
        DnnlStatus.check(Dnnl.dnnl_primitive_execute(primitive, stream, nargs, args), "dnnl_primitive_execute",
                "for " + params);
        DnnlStatus.check(Dnnl.dnnl_stream_wait(stream), "dnnl_stream_wait");
    }

    public ConvParams params() {
        return params;
    }

    public int threads() {
        return threads;
    }

    /** The implementation oneDNN chose, e.g. {@code brg_conv_fwd:avx2} (for reports and tuning logs). */
    public String implementation() {
        return implementation;
    }

    @Override
    public synchronized void close() {
        if (closed) return;
        closed = true;
        try {
            handles.close();
        } finally {
            arena.close();
        }
    }

    private static MemorySegment desc(DnnlHandles h, Arena arena, long[] dims, int tag, String context) {
        MemorySegment d = Dnnl.dims(arena, dims);
        return h.create("dnnl_memory_desc_create_with_tag",
                out -> Dnnl.dnnl_memory_desc_create_with_tag(out, dims.length, d, Dnnl.dnnl_f32, tag),
                Dnnl::dnnl_memory_desc_destroy, "dnnl_memory_desc_destroy", context);
    }

    private static MemorySegment memory(DnnlHandles h, MemorySegment md, MemorySegment engine, MemorySegment data,
                                        String context) {
        return h.create("dnnl_memory_create", out -> Dnnl.dnnl_memory_create(out, md, engine, data),
                Dnnl::dnnl_memory_destroy, "dnnl_memory_destroy", context);
    }

    private static MemorySegment attributes(DnnlHandles h, List<DnnlPostOp> ops, String context) {
        MemorySegment attr = h.create("dnnl_primitive_attr_create", Dnnl::dnnl_primitive_attr_create,
                Dnnl::dnnl_primitive_attr_destroy, "dnnl_primitive_attr_destroy", context);
        if (ops.isEmpty()) return attr;
        MemorySegment po = h.create("dnnl_post_ops_create", Dnnl::dnnl_post_ops_create, Dnnl::dnnl_post_ops_destroy,
                "dnnl_post_ops_destroy", context);
        for (DnnlPostOp op : ops) {
            switch (op) {
                case DnnlPostOp.Sum s -> DnnlStatus.check(Dnnl.dnnl_post_ops_append_sum(po, s.scale(), 0,
                        Dnnl.dnnl_f32), "dnnl_post_ops_append_sum", context);
                case DnnlPostOp.Eltwise e -> DnnlStatus.check(Dnnl.dnnl_post_ops_append_eltwise(po, e.kind().algKind,
                        e.alpha(), e.beta()), "dnnl_post_ops_append_eltwise", context + ", " + e);
            }
        }
        DnnlStatus.check(Dnnl.dnnl_primitive_attr_set_post_ops(attr, po), "dnnl_primitive_attr_set_post_ops", context);
        return attr;
    }

    /** Copies the ONNX-layout weights into native memory and reorders them, once, into the primitive's layout. */
    private static void reorderWeights(DnnlHandles temp, Arena tempArena, MemorySegment engine, MemorySegment stream,
                                       MemorySegment userMd, MemorySegment weightsMd, MemorySegment weightsMemory,
                                       float[] weights, String context) {
        MemorySegment userData = tempArena.allocate(JAVA_FLOAT, weights.length);
        MemorySegment.copy(weights, 0, userData, JAVA_FLOAT, 0, weights.length);
        MemorySegment userMemory = memory(temp, userMd, engine, userData, context);
        MemorySegment pd = temp.create("dnnl_reorder_primitive_desc_create",
                out -> Dnnl.dnnl_reorder_primitive_desc_create(out, userMd, engine, weightsMd, engine,
                        MemorySegment.NULL),
                Dnnl::dnnl_primitive_desc_destroy, "dnnl_primitive_desc_destroy", context);
        MemorySegment reorder = temp.create("dnnl_primitive_create", out -> Dnnl.dnnl_primitive_create(out, pd),
                Dnnl::dnnl_primitive_destroy, "dnnl_primitive_destroy", context);
        MemorySegment args = tempArena.allocate(Dnnl.dnnl_exec_arg_t, 2);
        Dnnl.setExecArg(args, 0, Dnnl.DNNL_ARG_FROM, userMemory);
        Dnnl.setExecArg(args, 1, Dnnl.DNNL_ARG_TO, weightsMemory);
        DnnlStatus.check(Dnnl.dnnl_primitive_execute(reorder, stream, 2, args), "dnnl_primitive_execute",
                "weights reorder " + context);
        DnnlStatus.check(Dnnl.dnnl_stream_wait(stream), "dnnl_stream_wait", "weights reorder " + context);
    }

    private static String implementation(MemorySegment pd) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(ADDRESS);
            if (Dnnl.dnnl_primitive_desc_query(pd, Dnnl.dnnl_query_impl_info_str, 0, out) != DnnlStatus.SUCCESS) {
                return "unknown";
            }
            MemorySegment s = out.get(ADDRESS, 0);
            return s.equals(MemorySegment.NULL) ? "unknown" : s.reinterpret(256).getString(0);
        }
    }
}
