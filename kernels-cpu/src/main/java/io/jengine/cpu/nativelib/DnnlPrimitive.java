package io.jengine.cpu.nativelib;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;

import io.jengine.tensor.UninitializedMemory;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.ref.Reference;
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
 * <p>With a {@link Spec#computeTag} the source and destination are created in that layout ({@code format_tag any}:
 * the one oneDNN picks) instead of the caller's: a convolution on plain NCHW gets oneDNN's im2col + GEMM at about
 * half the speed of its direct kernels, which want a channel-blocked (nChw8c on AVX2, nChw16c on AVX-512) or
 * channels-last layout, and on AVX2 its brgemm kernel, the fastest for some layers, reads only channels-last. The
 * caller still hands its own layout: each run reorders the source into the primitive's (and the residual into the
 * destination's), runs, and reorders the destination back, the staged copies living in the calling thread's
 * {@link NativeScratch}. Those copies are memory-bound and small next to the convolution's arithmetic.
 *
 * <p>Scratchpads are the caller's too ({@code dnnl_scratchpad_mode_user}): with the library's default mode, this
 * oneDNN build shares one scratchpad per thread among all primitives, sized by the primitives created on that
 * thread, so a primitive created on one thread (a plan built by one caller) and run on another (a session on a
 * serving thread) writes past the end of that thread's smaller buffer, corrupting the process heap. Each run takes
 * its scratchpad, like the staged activations, from the calling thread's {@link NativeScratch}.
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
     * given, float32 values that are only ever read (a read-only mapping of a plan file will do): native memory is
     * reordered from where it lies, a heap segment is copied to native memory first; {@code bias} may be null, else
     * it is plain with {@code biasDims} (1-D for a convolution, {@code [1, N]} for a matmul, as each primitive wants).
     * {@code computeTag} is the layout the primitive computes on: {@link Dnnl#dnnl_format_tag_undef} for the caller's
     * own, {@link Dnnl#dnnl_format_tag_any} for oneDNN's choice, or a tag. {@code srcStrides} and {@code dstStrides},
     * where not null, replace the source's and destination's tags by a plain layout with those strides (in elements,
     * one per dim), e.g. to leave a gap between the matrices of a batch.
     */
    record Spec(String createCall, DescriptorFactory factory, long[] srcDims, int srcTag, long[] dstDims, int dstTag,
                long[] weightsDims, int userWeightsTag, MemorySegment weights, long[] biasDims, float[] bias,
                List<DnnlPostOp> postOps, int threads, String context, int computeTag, DnnlQuantization quantization,
                long[] srcStrides, long[] dstStrides, int floatSrcType, int floatDstType) {
        /** A primitive on the tags' or strides' layouts, its float source and destination float32. */
        Spec(String createCall, DescriptorFactory factory, long[] srcDims, int srcTag, long[] dstDims, int dstTag,
             long[] weightsDims, int userWeightsTag, MemorySegment weights, long[] biasDims, float[] bias,
             List<DnnlPostOp> postOps, int threads, String context, int computeTag, DnnlQuantization quantization,
             long[] srcStrides, long[] dstStrides) {
            this(createCall, factory, srcDims, srcTag, dstDims, dstTag, weightsDims, userWeightsTag, weights, biasDims,
                    bias, postOps, threads, context, computeTag, quantization, srcStrides, dstStrides, Dnnl.dnnl_f32,
                    Dnnl.dnnl_f32);
        }

        /**
         * The same float primitive reading its source and writing its destination (and reading a sum post-op's
         * residual) as {@code srcType} and {@code dstType}: {@code dnnl_f32} or {@code dnnl_bf16}. A bfloat16 side
         * makes the primitive compute in bfloat16, as {@link DnnlMath#allowingBf16} does.
         */
        Spec withFloatIo(int srcType, int dstType) {
            if (quantization != null) throw new IllegalArgumentException("an integer primitive has its quantization's types");
            for (int t : new int[] {srcType, dstType}) {
                if (t != Dnnl.dnnl_f32 && t != Dnnl.dnnl_bf16) {
                    throw new IllegalArgumentException("a float primitive reads and writes f32 or bf16, got type " + t);
                }
            }
            return new Spec(createCall, factory, srcDims, srcTag, dstDims, dstTag, weightsDims, userWeightsTag, weights,
                    biasDims, bias, postOps, threads, context, computeTag, quantization, srcStrides, dstStrides, srcType,
                    dstType);
        }

        /** A primitive on the tags' layouts. */
        Spec(String createCall, DescriptorFactory factory, long[] srcDims, int srcTag, long[] dstDims, int dstTag,
             long[] weightsDims, int userWeightsTag, MemorySegment weights, long[] biasDims, float[] bias,
             List<DnnlPostOp> postOps, int threads, String context, int computeTag, DnnlQuantization quantization) {
            this(createCall, factory, srcDims, srcTag, dstDims, dstTag, weightsDims, userWeightsTag, weights, biasDims,
                    bias, postOps, threads, context, computeTag, quantization, null, null);
        }

        /** A float32 primitive. */
        Spec(String createCall, DescriptorFactory factory, long[] srcDims, int srcTag, long[] dstDims, int dstTag,
             long[] weightsDims, int userWeightsTag, MemorySegment weights, long[] biasDims, float[] bias,
             List<DnnlPostOp> postOps, int threads, String context, int computeTag) {
            this(createCall, factory, srcDims, srcTag, dstDims, dstTag, weightsDims, userWeightsTag, weights, biasDims,
                    bias, postOps, threads, context, computeTag, null);
        }

        boolean staged() { return computeTag != Dnnl.dnnl_format_tag_undef; }

        int srcType() { return quantization == null ? floatSrcType : quantization.srcType(); }

        int dstType() { return quantization == null ? floatDstType : quantization.dstType(); }

        /** Whether the float source or destination is bfloat16 ({@link #withFloatIo}). */
        boolean bf16Io() { return quantization == null && (floatSrcType == Dnnl.dnnl_bf16 || floatDstType == Dnnl.dnnl_bf16); }

        int weightsType() { return quantization == null ? Dnnl.dnnl_f32 : Dnnl.dnnl_s8; }
    }

    /** A reorder run per call between the caller's plain layout and the primitive's own. */
    private record Stage(MemorySegment primitive, MemorySegment from, MemorySegment to, Scratchpad scratchpad,
                         MemorySegment args, int nargs) {
        void run(MemorySegment fromData, MemorySegment toData, MemorySegment scratch, MemorySegment stream,
                 String what, String context) {
            point(from, fromData);
            point(to, toData);
            scratchpad.point(scratch);
            int status = Dnnl.dnnl_primitive_execute(primitive, stream, nargs, args);
            // the message is put together only on failure, so that a run builds no string
            if (status != DnnlStatus.SUCCESS) {
                DnnlStatus.check(status, "dnnl_primitive_execute", what + " reorder of " + context);
            }
        }
    }

    /** A primitive's scratchpad memory object (null when it needs none), pointed at the caller's scratch per run. */
    private record Scratchpad(MemorySegment memory, long bytes) {
        static final Scratchpad NONE = new Scratchpad(null, 0);

        void point(MemorySegment scratch) {
            if (memory == null) return;
            if (scratch.byteSize() < bytes) {
                throw new IllegalStateException("scratchpad needs " + bytes + " bytes, got " + scratch.byteSize());
            }
            DnnlPrimitive.point(memory, scratch);
        }
    }

    /** The reorders around the primitive; a null stage means that side runs on the caller's memory directly. */
    private record Staging(Stage srcIn, Stage residualIn, Stage dstOut, long srcBytes, long dstBytes) {
        static final Staging NONE = new Staging(null, null, null, 0, 0);

        /** The largest scratchpad a reorder needs; they run one after another and share it. */
        long reorderScratchBytes() {
            return Math.max(bytes(srcIn), Math.max(bytes(residualIn), bytes(dstOut)));
        }

        private static long bytes(Stage s) {
            return s == null ? 0 : s.scratchpad().bytes();
        }
    }

    private final int threads;
    private final boolean hasSum;
    private final long srcElements;
    private final long dstElements;
    private final int srcBytesPer, dstBytesPer;
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
    private final Staging staging;
    private final Scratchpad scratchpad;
    private boolean closed;
    /**
     * The same primitive with one more post-op ({@link #prepare(Spec, DnnlPostOp)}), sharing the weights, memory
     * objects and scratchpad; NULL where there is none.
     */
    private MemorySegment variant = MemorySegment.NULL;
    /**
     * The reordered weights the weights memory object points at, referred to here so that a plan's stored part (a
     * slice of a mapping the garbage collector unmaps once unreferenced) stays mapped as long as the primitive.
     */
    @SuppressWarnings("unused")
    private MemorySegment weights;

    /** The name of the packed parts holding primitives' reordered weights ({@link Packing}). */
    static final String PART = "dnnl.weights";

    private DnnlPrimitive(Spec spec, String implementation, DnnlHandles handles, Arena arena, MemorySegment stream,
                          MemorySegment primitive, MemorySegment srcMemory, MemorySegment dstMemory,
                          MemorySegment args, int nargs, Staging staging, Scratchpad scratchpad) {
        this.threads = spec.threads();
        this.hasSum = spec.postOps().stream().anyMatch(o -> o instanceof DnnlPostOp.Sum);
        this.srcElements = span(spec.srcDims(), spec.srcStrides());
        this.dstElements = span(spec.dstDims(), spec.dstStrides());
        this.srcBytesPer = DnnlQuantization.bytes(spec.srcType());
        this.dstBytesPer = DnnlQuantization.bytes(spec.dstType());
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
        this.staging = staging;
        this.scratchpad = scratchpad;
    }

    /**
     * Checks what only this class knows about (post-ops, threads) and the weights' size, and builds; the caller checked
     * the other sizes.
     */
    static DnnlPrimitive prepare(Spec spec) {
        return prepare(spec, null);
    }

    /**
     * As {@link #prepare(Spec)}, with a variant that appends {@code extra} to the post-ops, where oneDNN runs it with
     * the same kernel on the same weight layout and scratchpad (else there is none: {@link #hasVariant}). One set of
     * reordered weights serves both, so the variant costs a primitive, not a copy of the weights.
     */
    static DnnlPrimitive prepare(Spec spec, DnnlPostOp extra) {
        checkWeights(spec);
        long sums = spec.postOps().stream().filter(o -> o instanceof DnnlPostOp.Sum).count();
        if (sums > 1) throw new IllegalArgumentException("at most one sum post-op, got " + sums);
        for (DnnlPostOp o : spec.postOps()) {
            if (!(o instanceof DnnlPostOp.Sum sum)) continue;
            boolean integerDst = spec.quantization() != null && spec.quantization().quantizedDst();
            if (sum.integer() != integerDst) {
                throw new IllegalArgumentException("a sum post-op reads the destination's bytes: integer residual codes"
                        + " need an integer destination and a float residual a float one");
            }
            if (spec.quantization() == null && sum.dataType() != spec.dstType()) {
                throw new IllegalArgumentException("a sum post-op reads the residual in the destination's type ("
                        + spec.dstType() + "), it was given type " + sum.dataType());
            }
        }
        SegmentChecks.positive("threads", spec.threads());
        if (spec.staged() && (spec.srcStrides() != null || spec.dstStrides() != null)) {
            throw new IllegalArgumentException("strided layouts are the primitive's own: no compute layout with them");
        }
        String context = spec.context();
        DnnlHandles owned = new DnnlHandles();
        Arena arena = Arena.ofShared();
        try (DnnlHandles temp = new DnnlHandles(); Arena tempArena = Arena.ofConfined()) {
            MemorySegment engine = DnnlEngine.cpu();
            int srcType = spec.srcType(), dstType = spec.dstType(), weightsType = spec.weightsType();
            // bfloat16 arithmetic: the primitive reads its source and weights as bfloat16 (the staged source is
            // rounded on the way in, the weights once when reordered) and accumulates and writes float32. Asking
            // for it by data type rather than by oneDNN's fpmath mode: that mode is honoured only by AMX kernels,
            // and AVX512-BF16 CPUs ran the float32 kernel with it.
            boolean bf16 = spec.quantization() == null && (DnnlMath.bf16() || spec.bf16Io());
            int computeSrcType = bf16 ? Dnnl.dnnl_bf16 : srcType;
            int computeWeightsType = bf16 ? Dnnl.dnnl_bf16 : weightsType;
            MemorySegment userSrcMd = layout(temp, tempArena, spec.srcDims(), srcType, spec.srcTag(),
                    spec.srcStrides(), context);
            MemorySegment userDstMd = layout(temp, tempArena, spec.dstDims(), dstType, spec.dstTag(),
                    spec.dstStrides(), context);
            MemorySegment askSrcMd = spec.staged()
                    ? desc(temp, tempArena, spec.srcDims(), computeSrcType, spec.computeTag(), context)
                    : bf16 ? layout(temp, tempArena, spec.srcDims(), computeSrcType, spec.srcTag(), spec.srcStrides(),
                            context)
                    : userSrcMd;
            MemorySegment askDstMd = spec.staged()
                    ? desc(temp, tempArena, spec.dstDims(), dstType, spec.computeTag(), context) : userDstMd;
            MemorySegment anyWeightsMd = desc(temp, tempArena, spec.weightsDims(), computeWeightsType,
                    Dnnl.dnnl_format_tag_any, context);
            MemorySegment userWeightsMd = desc(temp, tempArena, spec.weightsDims(), weightsType, spec.userWeightsTag(),
                    context);
            MemorySegment biasMd = spec.bias() == null ? MemorySegment.NULL
                    : desc(temp, tempArena, spec.biasDims(), Dnnl.dnnl_f32,
                            spec.biasDims().length == 1 ? Dnnl.dnnl_a : Dnnl.dnnl_ab, context);
            MemorySegment attr = attributes(temp, spec.postOps(), context);
            if (spec.quantization() != null) quantizationMasks(attr, spec.quantization(), context);

            Gomp.omp_set_num_threads(spec.threads());
            MemorySegment pd = temp.create(spec.createCall(),
                    out -> spec.factory().create(out, engine, askSrcMd, anyWeightsMd, biasMd, askDstMd, attr, tempArena),
                    Dnnl::dnnl_primitive_desc_destroy, "dnnl_primitive_desc_destroy", context);
            String impl = skipGemmDriven(pd, context);
            MemorySegment stream = owned.create("dnnl_stream_create",
                    out -> Dnnl.dnnl_stream_create(out, engine, Dnnl.dnnl_stream_default_flags),
                    Dnnl::dnnl_stream_destroy, "dnnl_stream_destroy", context);
            MemorySegment primitive = owned.create("dnnl_primitive_create", out -> Dnnl.dnnl_primitive_create(out, pd),
                    Dnnl::dnnl_primitive_destroy, "dnnl_primitive_destroy", context);

            MemorySegment weightsMd = Dnnl.dnnl_primitive_desc_query_md(pd, Dnnl.dnnl_query_weights_md, 0);
            long weightsBytes = Dnnl.dnnl_memory_desc_get_size(weightsMd);
            // A float primitive's reordered weights are a packed part: a plan stores them, and on load they are
            // taken as stored where oneDNN picked the same kernel and layout (the form says which).
            Packing packing = spec.quantization() == null ? Packing.current() : null;
            String partName = null, form = null;
            MemorySegment weightsData = null;
            if (packing != null) {
                partName = packing.nextName(PART);
                form = weightsForm(impl, weightsMd, context);
                weightsData = packing.stored(partName, form, weightsBytes);
            }
            MemorySegment shared = null;
            if (weightsData == null) {
                if (packing != null) packing.sourceNeeded();
                shared = packing != null ? packing.sharedMemory(weightsBytes, 64) : null;
                weightsData = shared != null ? shared : arena.allocate(weightsBytes, 64);
                MemorySegment userWeights = spec.quantization() != null
                        ? nativeCopy(tempArena, MemorySegment.ofArray(spec.quantization().weights()))
                        : readable(tempArena, spec.weights());
                reorderWeights(temp, tempArena, engine, stream, userWeightsMd, weightsMd, weightsData, userWeights,
                        context);
            }
            if (packing != null) packing.made(partName, form, weightsData);
            if (shared != null) packing.share(partName, form, shared);
            MemorySegment weightsMemory = memory(owned, weightsMd, engine, weightsData, context);

            // descriptors the primitive descriptor owns: memory objects and reorders made from them keep copies
            MemorySegment srcMd = spec.staged() || bf16
                    ? Dnnl.dnnl_primitive_desc_query_md(pd, Dnnl.dnnl_query_src_md, 0) : userSrcMd;
            MemorySegment dstMd = spec.staged()
                    ? Dnnl.dnnl_primitive_desc_query_md(pd, Dnnl.dnnl_query_dst_md, 0) : userDstMd;
            MemorySegment srcMemory = memory(owned, srcMd, engine, Dnnl.DNNL_MEMORY_NONE, context);
            MemorySegment dstMemory = memory(owned, dstMd, engine, Dnnl.DNNL_MEMORY_NONE, context);
            boolean stageSrc = Dnnl.dnnl_memory_desc_equal(srcMd, userSrcMd) == 0;
            boolean stageDst = Dnnl.dnnl_memory_desc_equal(dstMd, userDstMd) == 0;
            boolean sum = sums == 1;
            Staging staging = !stageSrc && !stageDst ? Staging.NONE : new Staging(
                    stageSrc ? stage(owned, arena, engine, userSrcMd, srcMd, true, context) : null,
                    stageDst && sum ? stage(owned, arena, engine, userDstMd, dstMd, true, context) : null,
                    stageDst ? stage(owned, arena, engine, userDstMd, dstMd, false, context) : null,
                    stageSrc ? Dnnl.dnnl_memory_desc_get_size(srcMd) : 0,
                    stageDst ? Dnnl.dnnl_memory_desc_get_size(dstMd) : 0);
            MemorySegment args = arena.allocate(Dnnl.dnnl_exec_arg_t, 10);
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
            if (spec.quantization() != null) {
                nargs = quantizationArgs(owned, arena, engine, args, nargs, spec.quantization(), context);
            }
            Scratchpad scratchpad = scratchpad(owned, pd, engine, context);
            if (scratchpad.memory() != null) {
                Dnnl.setExecArg(args, nargs++, Dnnl.DNNL_ARG_SCRATCHPAD, scratchpad.memory());
            }
            DnnlPrimitive made = new DnnlPrimitive(spec, impl, owned, arena, stream, primitive, srcMemory, dstMemory,
                    args, nargs, staging, scratchpad);
            made.weights = weightsData;
            if (extra != null && spec.quantization() == null) {
                made.variant = variant(owned, temp, tempArena, spec, extra, engine, askSrcMd, anyWeightsMd, biasMd,
                        askDstMd, pd, impl, scratchpad.bytes());
            }
            return made;
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
     * The variant primitive with {@code extra} appended to the post-ops, or NULL where oneDNN would run it with
     * another kernel, weight layout, source or destination layout, or scratchpad size than {@code pd}: only then can
     * it share what the main primitive owns.
     */
    private static MemorySegment variant(DnnlHandles owned, DnnlHandles temp, Arena tempArena, Spec spec,
                                         DnnlPostOp extra, MemorySegment engine, MemorySegment srcMd,
                                         MemorySegment anyWeightsMd, MemorySegment biasMd, MemorySegment dstMd,
                                         MemorySegment pd, String impl, long scratchpadBytes) {
        String context = spec.context();
        List<DnnlPostOp> ops = new java.util.ArrayList<>(spec.postOps());
        ops.add(extra);
        MemorySegment pd2;
        try {
            MemorySegment attr = attributes(temp, ops, context);
            pd2 = temp.create(spec.createCall(),
                    out -> spec.factory().create(out, engine, srcMd, anyWeightsMd, biasMd, dstMd, attr, tempArena),
                    Dnnl::dnnl_primitive_desc_destroy, "dnnl_primitive_desc_destroy", context);
            if (!impl.equals(skipGemmDriven(pd2, context))) return MemorySegment.NULL;
        } catch (RuntimeException noSuchKernel) {
            return MemorySegment.NULL;
        }
        for (int what : new int[] {Dnnl.dnnl_query_weights_md, Dnnl.dnnl_query_src_md, Dnnl.dnnl_query_dst_md}) {
            if (Dnnl.dnnl_memory_desc_equal(Dnnl.dnnl_primitive_desc_query_md(pd, what, 0),
                    Dnnl.dnnl_primitive_desc_query_md(pd2, what, 0)) == 0) {
                return MemorySegment.NULL;
            }
        }
        if (scratchpadBytes(pd2) != scratchpadBytes) return MemorySegment.NULL;
        MemorySegment made = pd2;
        return owned.create("dnnl_primitive_create", out -> Dnnl.dnnl_primitive_create(out, made),
                Dnnl::dnnl_primitive_destroy, "dnnl_primitive_destroy", context);
    }

    /** Whether {@link #prepare(Spec, DnnlPostOp)} made a variant. */
    boolean hasVariant() { return !variant.equals(MemorySegment.NULL); }

    /** See {@link DnnlConv2d#run}: checks every segment, then executes on this primitive's thread count. */
    void run(String srcName, MemorySegment src, String dstName, MemorySegment dst, MemorySegment residual) {
        run(srcName, src, dstName, dst, residual, false);
    }

    /** As {@link #run(String, MemorySegment, String, MemorySegment, MemorySegment)}, by the variant if asked. */
    synchronized void run(String srcName, MemorySegment src, String dstName, MemorySegment dst,
                          MemorySegment residual, boolean useVariant) {
        if (useVariant && !hasVariant()) throw new IllegalStateException("this " + context + " has no variant");
        if (closed) throw new IllegalStateException("this " + context + " primitive is closed");
        // checked without slicing: a steady stream of runs allocates nothing here
        long srcBytes = SegmentChecks.bytes(srcName, src, srcElements, srcBytesPer);
        long dstBytes = SegmentChecks.bytes(dstName, dst, dstElements, dstBytesPer);
        if (SegmentChecks.overlap(src, srcBytes, dst, dstBytes)) {
            throw new IllegalArgumentException(srcName + " and " + dstName + " overlap");
        }
        if (hasSum) {
            if (residual == null) throw new IllegalArgumentException("the sum post-op needs a residual, got null");
            SegmentChecks.bytes("residual", residual, dstElements, dstBytesPer);
            if (residual.address() != dst.address() && SegmentChecks.overlap(residual, dstBytes, dst, dstBytes)) {
                throw new IllegalArgumentException("residual must be " + dstName + " itself or not overlap it");
            }
        } else if (residual != null) {
            throw new IllegalArgumentException("a residual was given but there is no sum post-op");
        }
        Gomp.omp_set_num_threads(threads);
        ScratchParts parts = scratchParts();
        MemorySegment convSrc = src;
        MemorySegment convDst = dst;
        if (staging.srcIn() != null) {
            convSrc = parts.src;
            staging.srcIn().run(src, convSrc, parts.reorderPad, stream, srcName, context);
        }
        if (staging.dstOut() != null) convDst = parts.dst;
        if (hasSum) {
            if (staging.residualIn() != null) {
                staging.residualIn().run(residual, convDst, parts.reorderPad, stream, "residual", context);
            } else if (residual.address() != dst.address()) {
                MemorySegment.copy(residual, 0, dst, 0, dstBytes);
            }
        }
        point(srcMemory, convSrc);
        point(dstMemory, convDst);
        scratchpad.point(parts.pad);
        DnnlStatus.check(Dnnl.dnnl_primitive_execute(useVariant ? variant : primitive, stream, nargs, args),
                "dnnl_primitive_execute", context);
        if (staging.dstOut() != null) staging.dstOut().run(convDst, dst, parts.reorderPad, stream, dstName, context);
        DnnlStatus.check(Dnnl.dnnl_stream_wait(stream), "dnnl_stream_wait", context);
        // the native objects hold raw pointers into these until the next run re-points them
        Reference.reachabilityFence(parts);
        Reference.reachabilityFence(src);
        Reference.reachabilityFence(dst);
        Reference.reachabilityFence(residual);
    }

    /** This thread's scratch cut into its parts: [staged src][staged dst][the primitive's scratchpad][a reorder's]. */
    private record ScratchParts(MemorySegment whole, MemorySegment src, MemorySegment dst, MemorySegment pad,
                                MemorySegment reorderPad) {}

    /** The last thread's parts, reused while its scratch stays the same segment (runs are synchronized). */
    private ScratchParts parts;

    private ScratchParts scratchParts() {
        long dstAt = NativeScratch.aligned(staging.srcBytes());
        long padAt = dstAt + NativeScratch.aligned(staging.dstBytes());
        long reorderPadAt = padAt + NativeScratch.aligned(scratchpad.bytes());
        long reorderPadBytes = staging.reorderScratchBytes();
        MemorySegment scratch = NativeScratch.mine(reorderPadAt + reorderPadBytes);
        ScratchParts p = parts;
        if (p == null || p.whole() != scratch) {
            p = new ScratchParts(scratch, scratch.asSlice(0, staging.srcBytes()),
                    scratch.asSlice(dstAt, staging.dstBytes()), scratch.asSlice(padAt, scratchpad.bytes()),
                    scratch.asSlice(reorderPadAt, reorderPadBytes));
            parts = p;
        }
        return p;
    }

    /** Re-points a memory object (which holds a raw pointer) at {@code data}. */
    private static void point(MemorySegment memory, MemorySegment data) {
        DnnlStatus.check(Dnnl.dnnl_memory_set_data_handle(memory, data), "dnnl_memory_set_data_handle");
    }

    /** The scratchpad {@code pd} asks for in user mode, as a memory object without a buffer; NONE when it needs none. */
    private static Scratchpad scratchpad(DnnlHandles owned, MemorySegment pd, MemorySegment engine, String context) {
        long bytes = scratchpadBytes(pd);
        if (bytes == 0) return Scratchpad.NONE;
        MemorySegment md = Dnnl.dnnl_primitive_desc_query_md(pd, Dnnl.dnnl_query_scratchpad_md, 0);
        return new Scratchpad(memory(owned, md, engine, Dnnl.DNNL_MEMORY_NONE, context), bytes);
    }

    /** The bytes of scratchpad {@code pd} asks for (0: none). */
    private static long scratchpadBytes(MemorySegment pd) {
        MemorySegment md = Dnnl.dnnl_primitive_desc_query_md(pd, Dnnl.dnnl_query_scratchpad_md, 0);
        return md.equals(MemorySegment.NULL) ? 0 : Dnnl.dnnl_memory_desc_get_size(md);
    }

    /** Attributes that only hand the scratchpad to the caller (for reorders). */
    private static MemorySegment userScratchpad(DnnlHandles h, String context) {
        return attributes(h, List.of(), context);
    }

    /**
     * A reorder between the caller's plain layout ({@code userMd}) and the primitive's ({@code innerMd}): into the
     * primitive's when {@code intoInner}, else out of it. Each stage has its own memory objects, re-pointed per run.
     */
    private static Stage stage(DnnlHandles owned, Arena arena, MemorySegment engine, MemorySegment userMd,
                               MemorySegment innerMd, boolean intoInner, String context) {
        MemorySegment user = memory(owned, userMd, engine, Dnnl.DNNL_MEMORY_NONE, context);
        MemorySegment own = memory(owned, innerMd, engine, Dnnl.DNNL_MEMORY_NONE, context);
        MemorySegment from = intoInner ? user : own;
        MemorySegment to = intoInner ? own : user;
        try (DnnlHandles temp = new DnnlHandles()) {
            MemorySegment attr = userScratchpad(temp, context);
            MemorySegment pd = temp.create("dnnl_reorder_primitive_desc_create",
                    out -> Dnnl.dnnl_reorder_primitive_desc_create(out, intoInner ? userMd : innerMd, engine,
                            intoInner ? innerMd : userMd, engine, attr),
                    Dnnl::dnnl_primitive_desc_destroy, "dnnl_primitive_desc_destroy", context);
            MemorySegment reorder = owned.create("dnnl_primitive_create", out -> Dnnl.dnnl_primitive_create(out, pd),
                    Dnnl::dnnl_primitive_destroy, "dnnl_primitive_destroy", context);
            Scratchpad scratchpad = scratchpad(owned, pd, engine, context);
            MemorySegment args = arena.allocate(Dnnl.dnnl_exec_arg_t, 3);
            Dnnl.setExecArg(args, 0, Dnnl.DNNL_ARG_FROM, from);
            Dnnl.setExecArg(args, 1, Dnnl.DNNL_ARG_TO, to);
            int nargs = 2;
            if (scratchpad.memory() != null) Dnnl.setExecArg(args, nargs++, Dnnl.DNNL_ARG_SCRATCHPAD, scratchpad.memory());
            return new Stage(reorder, from, to, scratchpad, args, nargs);
        }
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

    /** Elements from the first to one past the last of a layout: all of them where dense (null strides). */
    private static long span(long[] dims, long[] strides) {
        if (strides == null) return product(dims);
        if (strides.length != dims.length) {
            throw new IllegalArgumentException(strides.length + " strides for " + dims.length + " dims");
        }
        long last = 0;
        for (int i = 0; i < dims.length; i++) {
            if (strides[i] < 1) throw new IllegalArgumentException("strides must be positive, got " + strides[i]);
            last = Math.addExact(last, Math.multiplyExact(dims[i] - 1, strides[i]));
        }
        return last + 1;
    }

    private static MemorySegment stridedDesc(DnnlHandles h, Arena arena, long[] dims, int type, long[] strides,
                                             String context) {
        span(dims, strides);
        MemorySegment d = Dnnl.dims(arena, dims), s = Dnnl.dims(arena, strides);
        return h.create("dnnl_memory_desc_create_with_strides",
                out -> Dnnl.dnnl_memory_desc_create_with_strides(out, dims.length, d, type, s),
                Dnnl::dnnl_memory_desc_destroy, "dnnl_memory_desc_destroy", context);
    }

    /** A descriptor in {@code tag}'s layout, or in the plain layout of {@code strides} where they are given. */
    private static MemorySegment layout(DnnlHandles h, Arena arena, long[] dims, int type, int tag, long[] strides,
                                        String context) {
        return strides == null ? desc(h, arena, dims, type, tag, context)
                : stridedDesc(h, arena, dims, type, strides, context);
    }

    private static MemorySegment desc(DnnlHandles h, Arena arena, long[] dims, int type, int tag, String context) {
        MemorySegment d = Dnnl.dims(arena, dims);
        return h.create("dnnl_memory_desc_create_with_tag",
                out -> Dnnl.dnnl_memory_desc_create_with_tag(out, dims.length, d, type, tag),
                Dnnl::dnnl_memory_desc_destroy, "dnnl_memory_desc_destroy", context);
    }

    /** Which scales and zero points the integer primitive takes at execution: one per tensor, per channel for weights. */
    private static void quantizationMasks(MemorySegment attr, DnnlQuantization q, String context) {
        DnnlStatus.check(Dnnl.dnnl_primitive_attr_set_scales_mask(attr, Dnnl.DNNL_ARG_SRC, 0),
                "dnnl_primitive_attr_set_scales_mask", context);
        // weights [oc, ic, kh, kw] (or [g, oc/g, ...]): per output channel is mask bit 0 (bits 0 and 1 with groups)
        int weightsMask = q.weightScales().length == 1 ? 0 : q.weightsMask();
        DnnlStatus.check(Dnnl.dnnl_primitive_attr_set_scales_mask(attr, Dnnl.DNNL_ARG_WEIGHTS, weightsMask),
                "dnnl_primitive_attr_set_scales_mask", context);
        if (q.srcZero() != 0) {
            DnnlStatus.check(Dnnl.dnnl_primitive_attr_set_zero_points_mask(attr, Dnnl.DNNL_ARG_SRC, 0),
                    "dnnl_primitive_attr_set_zero_points_mask", context);
        }
        if (q.quantizedDst()) {
            DnnlStatus.check(Dnnl.dnnl_primitive_attr_set_scales_mask(attr, Dnnl.DNNL_ARG_DST, 0),
                    "dnnl_primitive_attr_set_scales_mask", context);
            if (q.dstZero() != 0) {
                DnnlStatus.check(Dnnl.dnnl_primitive_attr_set_zero_points_mask(attr, Dnnl.DNNL_ARG_DST, 0),
                        "dnnl_primitive_attr_set_zero_points_mask", context);
            }
        }
    }

    /** The constant scale (f32) and zero point (s32) memories the masks announced, as execution arguments. */
    private static int quantizationArgs(DnnlHandles owned, Arena arena, MemorySegment engine, MemorySegment args,
                                        int nargs, DnnlQuantization q, String context) {
        nargs = constantArg(owned, arena, engine, args, nargs, Dnnl.DNNL_ARG_ATTR_SCALES | Dnnl.DNNL_ARG_SRC,
                new float[] {q.srcScale()}, null, context);
        nargs = constantArg(owned, arena, engine, args, nargs, Dnnl.DNNL_ARG_ATTR_SCALES | Dnnl.DNNL_ARG_WEIGHTS,
                q.weightScales(), null, context);
        if (q.srcZero() != 0) {
            nargs = constantArg(owned, arena, engine, args, nargs, Dnnl.DNNL_ARG_ATTR_ZERO_POINTS | Dnnl.DNNL_ARG_SRC,
                    null, new int[] {q.srcZero()}, context);
        }
        if (q.quantizedDst()) {
            nargs = constantArg(owned, arena, engine, args, nargs, Dnnl.DNNL_ARG_ATTR_SCALES | Dnnl.DNNL_ARG_DST,
                    new float[] {q.dstScale()}, null, context);
            if (q.dstZero() != 0) {
                nargs = constantArg(owned, arena, engine, args, nargs,
                        Dnnl.DNNL_ARG_ATTR_ZERO_POINTS | Dnnl.DNNL_ARG_DST, null, new int[] {q.dstZero()}, context);
            }
        }
        return nargs;
    }

    /** A 1-D f32 (or s32) memory holding {@code floats} (or {@code ints}), added to {@code args} as {@code arg}. */
    private static int constantArg(DnnlHandles owned, Arena arena, MemorySegment engine, MemorySegment args, int nargs,
                                   int arg, float[] floats, int[] ints, String context) {
        int n = floats != null ? floats.length : ints.length;
        MemorySegment data = arena.allocate(4L * n, 64);
        if (floats != null) MemorySegment.copy(floats, 0, data, JAVA_FLOAT, 0, n);
        else MemorySegment.copy(ints, 0, data, java.lang.foreign.ValueLayout.JAVA_INT, 0, n);
        try (DnnlHandles temp = new DnnlHandles(); Arena dims = Arena.ofConfined()) {
            MemorySegment md = desc(temp, dims, new long[] {n}, floats != null ? Dnnl.dnnl_f32 : Dnnl.dnnl_s32,
                    Dnnl.dnnl_a, context);
            Dnnl.setExecArg(args, nargs, arg, memory(owned, md, engine, data, context));
        }
        return nargs + 1;
    }

    /**
     * The weights as oneDNN can read them: native float-aligned memory as it lies (a plan's weights are reordered
     * straight from the loaded tensor, no copy), anything else copied into native memory of {@code arena}.
     */
    static MemorySegment readable(Arena arena, MemorySegment weights) {
        return weights.isNative() && weights.address() % Float.BYTES == 0 ? weights : nativeCopy(arena, weights);
    }

    /**
     * The weights hold exactly what their dims say, checked before any native call: the reorder reads them through a
     * raw pointer by the dims alone, and past a segment's end it would read unmapped memory and kill the process.
     */
    private static void checkWeights(Spec spec) {
        long elements = product(spec.weightsDims());
        if (spec.quantization() != null) {
            long given = spec.quantization().weights().length;
            if (given != elements) {
                throw new IllegalArgumentException(spec.context() + ": weights must hold " + elements
                        + " int8 values, got " + given);
            }
            return;
        }
        MemorySegment w = spec.weights();
        if (w == null || w.byteSize() != Math.multiplyExact(elements, (long) Float.BYTES)) {
            throw new IllegalArgumentException(spec.context() + ": weights must be " + elements + " floats ("
                    + elements * Float.BYTES + " bytes), got " + (w == null ? "null" : w.byteSize() + " bytes"));
        }
    }

    /** {@code data} copied into native memory of {@code arena} (no zeroing first: every byte is written). */
    private static MemorySegment nativeCopy(Arena arena, MemorySegment data) {
        MemorySegment out = UninitializedMemory.allocate(data.byteSize(), 64, arena);
        MemorySegment.copy(data, 0, out, 0, data.byteSize());
        return out;
    }

    private static MemorySegment memory(DnnlHandles h, MemorySegment md, MemorySegment engine, MemorySegment data,
                                        String context) {
        return h.create("dnnl_memory_create", out -> Dnnl.dnnl_memory_create(out, md, engine, data),
                Dnnl::dnnl_memory_destroy, "dnnl_memory_destroy", context);
    }

    private static MemorySegment attributes(DnnlHandles h, List<DnnlPostOp> ops, String context) {
        MemorySegment attr = h.create("dnnl_primitive_attr_create", Dnnl::dnnl_primitive_attr_create,
                Dnnl::dnnl_primitive_attr_destroy, "dnnl_primitive_attr_destroy", context);
        DnnlStatus.check(Dnnl.dnnl_primitive_attr_set_scratchpad_mode(attr, Dnnl.dnnl_scratchpad_mode_user),
                "dnnl_primitive_attr_set_scratchpad_mode", context);
        if (ops.isEmpty()) return attr;
        MemorySegment po = h.create("dnnl_post_ops_create", Dnnl::dnnl_post_ops_create, Dnnl::dnnl_post_ops_destroy,
                "dnnl_post_ops_destroy", context);
        for (DnnlPostOp op : ops) {
            switch (op) {
                case DnnlPostOp.Sum s -> DnnlStatus.check(Dnnl.dnnl_post_ops_append_sum(po, s.scale(), s.zeroPoint(),
                        s.dataType()), "dnnl_post_ops_append_sum", context);
                case DnnlPostOp.Eltwise e -> DnnlStatus.check(Dnnl.dnnl_post_ops_append_eltwise(po, e.kind().algKind,
                        e.alpha(), e.beta()), "dnnl_post_ops_append_eltwise", context + ", " + e);
            }
        }
        DnnlStatus.check(Dnnl.dnnl_primitive_attr_set_post_ops(attr, po), "dnnl_primitive_attr_set_post_ops", context);
        return attr;
    }

    /** Reorders the caller's weights (in native memory), once, into the primitive's layout. */
    private static void reorderWeights(DnnlHandles temp, Arena tempArena, MemorySegment engine, MemorySegment stream,
                                       MemorySegment userMd, MemorySegment weightsMd, MemorySegment weightsData,
                                       MemorySegment userData, String context) {
        Stage reorder = stage(temp, tempArena, engine, userMd, weightsMd, true, context);
        MemorySegment pad = tempArena.allocate(Math.max(1, reorder.scratchpad().bytes()), 64);
        reorder.run(userData, weightsData, pad, stream, "weights", context);
        DnnlStatus.check(Dnnl.dnnl_stream_wait(stream), "dnnl_stream_wait", "weights reorder of " + context);
        // the reorder read them through a raw pointer: memory of an automatic arena must not be freed before it ran
        Reference.reachabilityFence(userData);
    }

    /**
     * Steps {@code pd} past oneDNN's GEMM-driven implementations (im2col or 1×1 convolution, or matmul, on its sgemm
     * driver) and returns the one it lands on. Under the heap churn of a JVM with JFR recording, runs of those implementations
     * were followed by glibc reporting a corrupted heap from inside oneDNN's sgemm driver, which frees a buffer it
     * allocates per call; the direct and brgemm kernels never showed it (and on AVX2 brgemm matmul measured ~1.5×
     * the sgemm-driven one at bert's sizes). Where only GEMM-driven implementations
     * exist (or only the reference kernel, far slower than any other backend) the convolution is refused.
     */
    private static String skipGemmDriven(MemorySegment pd, String context) {
        String impl = implementation(pd);
        while (impl.contains("gemm:") || impl.startsWith("gemm") || impl.startsWith("ref")) {
            int status = Dnnl.dnnl_primitive_desc_next_impl(pd);
            if (status == DnnlStatus.LAST_IMPL_REACHED) {
                throw new UnsupportedOperationException("oneDNN has only GEMM-driven or reference kernels for " + context
                        + " (last tried: " + impl + ")");
            }
            DnnlStatus.check(status, "dnnl_primitive_desc_next_impl", context);
            impl = implementation(pd);
        }
        return impl;
    }

    /**
     * What decides the reordered weights' bytes besides the weights themselves: the library's version, the kernel
     * oneDNN picked and the weights' memory descriptor (dims, type, layout, padding) as oneDNN serializes it.
     */
    private static String weightsForm(String impl, MemorySegment weightsMd, String context) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment size = a.allocate(java.lang.foreign.ValueLayout.JAVA_LONG);
            DnnlStatus.check(Dnnl.dnnl_memory_desc_get_blob(MemorySegment.NULL, size, weightsMd),
                    "dnnl_memory_desc_get_blob", context);
            long n = size.get(java.lang.foreign.ValueLayout.JAVA_LONG, 0);
            if (n <= 0 || n > 1 << 16) throw new IllegalStateException("weights descriptor of " + n + " bytes: " + context);
            MemorySegment blob = a.allocate(n);
            DnnlStatus.check(Dnnl.dnnl_memory_desc_get_blob(blob, size, weightsMd), "dnnl_memory_desc_get_blob", context);
            byte[] bytes = blob.asSlice(0, Math.min(n, size.get(java.lang.foreign.ValueLayout.JAVA_LONG, 0)))
                    .toArray(java.lang.foreign.ValueLayout.JAVA_BYTE);
            String version = NativeLibraries.dnnl().map(NativeLibrary::version).orElse("?");
            // the descriptor by its SHA-256 (it runs to hundreds of bytes): equal forms mean equal layouts
            return "onednn " + version + " " + impl + " md-sha256 " + java.util.HexFormat.of().formatHex(
                    java.security.MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
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
