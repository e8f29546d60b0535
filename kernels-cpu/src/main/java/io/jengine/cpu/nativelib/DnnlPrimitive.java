package io.jengine.cpu.nativelib;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.List;

/**
 * A oneDNN primitive of the shape {@code dst = postOps(op(src, weights) + bias)} with constant weights, prepared
 * once and run many times on the caller's memory: what {@link DnnlConv2d} and {@link DnnlMatMul} share.
 *
 * <p>Preparing creates the primitive with its weights in {@code format_tag any}, so oneDNN picks the layout its
 * fastest kernel wants, and reorders the caller's weights into it once; the bias is copied to native memory. Running
 * only points the source and destination memory objects at the caller's segments and executes. A
 * {@link DnnlPostOp.Sum} adds the residual: it is copied into the destination first (unless it is the destination),
 * because oneDNN's sum post-op accumulates onto what the destination holds.
 *
 * <p>Threads: the count is fixed at prepare time and set on the calling thread (OpenMP's count is per thread) before
 * both creation and every execution. It cannot change per run: oneDNN's CPU kernels read the thread count when the
 * primitive descriptor is created, to split the work and to size per-thread scratch buffers (gemm-based convolution's
 * im2col buffer, for one), and then run on that many threads. A caller wanting another count prepares another
 * instance. {@link #run} is synchronized, because the memory objects are re-pointed per call; each instance has its
 * own stream for the same reason. The caller keeps its segments alive during {@code run} and closes the instance to
 * free the native objects.
 */
final class DnnlPrimitive implements AutoCloseable {

    /** Creates the operation's primitive descriptor from the descriptors made here. */
    @FunctionalInterface
    interface DescriptorFactory {
        int create(MemorySegment out, MemorySegment engine, MemorySegment srcMd, MemorySegment weightsMd,
                   MemorySegment biasMd, MemorySegment dstMd, MemorySegment attr, Arena arena);
    }

    /**
     * What to build. Dims are oneDNN's logical dims; {@code userWeightsTag} is the layout of {@code weights} as
     * given; {@code bias} may be null, else it is plain with {@code biasDims} (1-D for a convolution, {@code [1, N]}
     * for a matmul, as each primitive wants).
     */
    record Spec(String createCall, DescriptorFactory factory, long[] srcDims, int srcTag, long[] dstDims, int dstTag,
                long[] weightsDims, int userWeightsTag, float[] weights, long[] biasDims, float[] bias,
                List<DnnlPostOp> postOps, int threads, String context) {}

    private final int threads;
    private final boolean hasSum;
    private final long srcElements;
    private final long dstElements;
    private final String context;
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

    private DnnlPrimitive(Spec spec, String implementation, DnnlHandles handles, Arena arena, MemorySegment stream,
                          MemorySegment primitive, MemorySegment srcMemory, MemorySegment dstMemory,
                          MemorySegment args, int nargs) {
        this.threads = spec.threads();
        this.hasSum = spec.postOps().stream().anyMatch(o -> o instanceof DnnlPostOp.Sum);
        this.srcElements = product(spec.srcDims());
        this.dstElements = product(spec.dstDims());
        this.context = spec.context();
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

    /** Checks what only this class knows about (post-ops, threads) and builds; the caller checked the sizes. */
    static DnnlPrimitive prepare(Spec spec) {
        long sums = spec.postOps().stream().filter(o -> o instanceof DnnlPostOp.Sum).count();
        if (sums > 1) throw new IllegalArgumentException("at most one sum post-op, got " + sums);
        SegmentChecks.positive("threads", spec.threads());
        String context = spec.context();
        DnnlHandles owned = new DnnlHandles();
        Arena arena = Arena.ofShared();
        try (DnnlHandles temp = new DnnlHandles(); Arena tempArena = Arena.ofConfined()) {
            MemorySegment engine = DnnlEngine.cpu();
            MemorySegment srcMd = desc(temp, tempArena, spec.srcDims(), spec.srcTag(), context);
            MemorySegment dstMd = desc(temp, tempArena, spec.dstDims(), spec.dstTag(), context);
            MemorySegment anyWeightsMd = desc(temp, tempArena, spec.weightsDims(), Dnnl.dnnl_format_tag_any, context);
            MemorySegment userWeightsMd = desc(temp, tempArena, spec.weightsDims(), spec.userWeightsTag(), context);
            MemorySegment biasMd = spec.bias() == null ? MemorySegment.NULL
                    : desc(temp, tempArena, spec.biasDims(), spec.biasDims().length == 1 ? Dnnl.dnnl_a : Dnnl.dnnl_ab,
                            context);
            MemorySegment attr = attributes(temp, spec.postOps(), context);

            Gomp.omp_set_num_threads(spec.threads());
            MemorySegment pd = temp.create(spec.createCall(),
                    out -> spec.factory().create(out, engine, srcMd, anyWeightsMd, biasMd, dstMd, attr, tempArena),
                    Dnnl::dnnl_primitive_desc_destroy, "dnnl_primitive_desc_destroy", context);
            String impl = implementation(pd);
            MemorySegment stream = owned.create("dnnl_stream_create",
                    out -> Dnnl.dnnl_stream_create(out, engine, Dnnl.dnnl_stream_default_flags),
                    Dnnl::dnnl_stream_destroy, "dnnl_stream_destroy", context);
            MemorySegment primitive = owned.create("dnnl_primitive_create", out -> Dnnl.dnnl_primitive_create(out, pd),
                    Dnnl::dnnl_primitive_destroy, "dnnl_primitive_destroy", context);

            MemorySegment weightsMd = Dnnl.dnnl_primitive_desc_query_md(pd, Dnnl.dnnl_query_weights_md, 0);
            MemorySegment weightsMemory = memory(owned, weightsMd, engine, Dnnl.DNNL_MEMORY_ALLOCATE, context);
            reorderWeights(temp, tempArena, engine, stream, userWeightsMd, weightsMd, weightsMemory, spec.weights(),
                    context);

            MemorySegment srcMemory = memory(owned, srcMd, engine, Dnnl.DNNL_MEMORY_NONE, context);
            MemorySegment dstMemory = memory(owned, dstMd, engine, Dnnl.DNNL_MEMORY_NONE, context);
            MemorySegment args = arena.allocate(Dnnl.dnnl_exec_arg_t, 4);
            Dnnl.setExecArg(args, 0, Dnnl.DNNL_ARG_SRC, srcMemory);
            Dnnl.setExecArg(args, 1, Dnnl.DNNL_ARG_WEIGHTS, weightsMemory);
            Dnnl.setExecArg(args, 2, Dnnl.DNNL_ARG_DST, dstMemory);
            int nargs = 3;
            if (spec.bias() != null) {
                float[] bias = spec.bias();
                MemorySegment biasData = arena.allocate(JAVA_FLOAT, bias.length);
                MemorySegment.copy(bias, 0, biasData, JAVA_FLOAT, 0, bias.length);
                Dnnl.setExecArg(args, nargs++, Dnnl.DNNL_ARG_BIAS, memory(owned, biasMd, engine, biasData, context));
            }
            return new DnnlPrimitive(spec, impl, owned, arena, stream, primitive, srcMemory, dstMemory, args, nargs);
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

    /** See {@link DnnlConv2d#run}: checks every segment, then executes on this primitive's thread count. */
    synchronized void run(String srcName, MemorySegment src, String dstName, MemorySegment dst,
                          MemorySegment residual) {
        if (closed) throw new IllegalStateException("this " + context + " primitive is closed");
        MemorySegment xs = SegmentChecks.floats(srcName, src, 0, srcElements);
        MemorySegment ys = SegmentChecks.floats(dstName, dst, 0, dstElements);
        if (xs.asOverlappingSlice(ys).isPresent()) {
            throw new IllegalArgumentException(srcName + " and " + dstName + " overlap");
        }
        if (hasSum) {
            if (residual == null) throw new IllegalArgumentException("the sum post-op needs a residual, got null");
            MemorySegment rs = SegmentChecks.floats("residual", residual, 0, dstElements);
            if (rs.address() != ys.address()) {
                if (rs.asOverlappingSlice(ys).isPresent()) {
                    throw new IllegalArgumentException("residual must be " + dstName + " itself or not overlap it");
                }
                MemorySegment.copy(rs, 0, ys, 0, ys.byteSize());
            }
        } else if (residual != null) {
            throw new IllegalArgumentException("a residual was given but there is no sum post-op");
        }
        DnnlStatus.check(Dnnl.dnnl_memory_set_data_handle(srcMemory, xs), "dnnl_memory_set_data_handle");
        DnnlStatus.check(Dnnl.dnnl_memory_set_data_handle(dstMemory, ys), "dnnl_memory_set_data_handle");
        Gomp.omp_set_num_threads(threads);
        DnnlStatus.check(Dnnl.dnnl_primitive_execute(primitive, stream, nargs, args), "dnnl_primitive_execute",
                context);
        DnnlStatus.check(Dnnl.dnnl_stream_wait(stream), "dnnl_stream_wait", context);
    }

    int threads() {
        return threads;
    }

    String implementation() {
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

    private static long product(long[] dims) {
        long p = 1;
        for (long d : dims) p = Math.multiplyExact(p, d);
        return p;
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

    /** Copies the caller's weights into native memory and reorders them, once, into the primitive's layout. */
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
