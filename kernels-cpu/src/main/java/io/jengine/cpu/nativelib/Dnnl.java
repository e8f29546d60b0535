package io.jengine.cpu.nativelib;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.MethodHandle;

/**
 * Raw bindings to the oneDNN 3.8 C API (oneapi/dnnl/dnnl.h, dnnl_types.h, dnnl_common_types.h from
 * org.bytedeco:dnnl:3.8.1-1.5.12), in the shape jextract generates: one static method per C function, same name and
 * argument order, returning the raw {@code dnnl_status_t}; pass it to {@link DnnlStatus#check}. Handles
 * ({@code dnnl_engine_t}, {@code dnnl_memory_desc_t}, ...) are opaque pointers; out-parameters are pointer-sized
 * segments the caller allocates.
 *
 * <p>Enum values are copied from those headers (checked by compiling them): oneDNN renumbers enums between versions,
 * which is why {@link NativeLibraries} refuses any library that is not 3.8. Nothing here checks arguments: that is the
 * job of the classes that call it ({@link NativeSgemm}, {@link DnnlConv2d}).
 */
public final class Dnnl {
    private Dnnl() {}

    // dnnl_data_type_t
    public static final int dnnl_f32 = 3;
    public static final int dnnl_s32 = 4;
    public static final int dnnl_s8 = 5;
    public static final int dnnl_u8 = 6;
    public static final int dnnl_bf16 = 2;
    // dnnl_format_tag_t (dnnl_nchw, dnnl_oihw == dnnl_abcd; dnnl_goihw == dnnl_abcde)
    public static final int dnnl_format_tag_undef = 0;
    public static final int dnnl_format_tag_any = 1;
    public static final int dnnl_a = 2;
    public static final int dnnl_ab = 3;
    public static final int dnnl_abc = 4;
    public static final int dnnl_abcd = 5;
    public static final int dnnl_abcde = 6;
    public static final int dnnl_ba = 14;
    /** Transposed-convolution weights as ONNX stores them: dnnl_iohw == dnnl_bacd, dnnl_giohw == dnnl_acbde. */
    public static final int dnnl_bacd = 25;
    public static final int dnnl_acbde = 32;
    /** Channels-last activations: dnnl_nhwc == dnnl_acdb. */
    public static final int dnnl_acdb = 22;
    // channel-blocked activations: dnnl_nChw16c == dnnl_aBcd16b, dnnl_nChw8c == dnnl_aBcd8b
    public static final int dnnl_aBcd16b = 78;
    public static final int dnnl_aBcd8b = 102;
    // dnnl_engine_kind_t, stream flags
    public static final int dnnl_cpu = 1;
    /**
     * {@code dnnl_cpu_isa_avx10_1_512_amx} ({@code dnnl_cpu_isa_avx512_core_amx}): AVX-512 with AMX's int8 and
     * bfloat16 tiles. The ISA values are cumulative bit sets: an ISA includes this one when it has all of its bits.
     */
    public static final int dnnl_cpu_isa_avx512_core_amx = 0xfef;
    public static final int dnnl_stream_default_flags = 1;
    // dnnl_prop_kind_t
    public static final int dnnl_forward_training = 64;
    public static final int dnnl_forward_inference = 96;
    // dnnl_alg_kind_t
    public static final int dnnl_convolution_direct = 0x1;
    public static final int dnnl_deconvolution_direct = 0xa;
    public static final int dnnl_eltwise_relu = 0x20;
    public static final int dnnl_eltwise_tanh = 0x21;
    public static final int dnnl_eltwise_elu = 0x22;
    public static final int dnnl_eltwise_abs = 0x24;
    public static final int dnnl_eltwise_sqrt = 0x25;
    public static final int dnnl_eltwise_linear = 0x26;
    public static final int dnnl_eltwise_soft_relu = 0x27;
    public static final int dnnl_eltwise_hardsigmoid = 0x28;
    public static final int dnnl_eltwise_logistic = 0x29;
    public static final int dnnl_eltwise_exp = 0x2a;
    public static final int dnnl_eltwise_gelu_tanh = 0x2b;
    public static final int dnnl_eltwise_swish = 0x2c;
    public static final int dnnl_eltwise_log = 0x2d;
    public static final int dnnl_eltwise_clip = 0x2e;
    public static final int dnnl_eltwise_clip_v2 = 0x2f;
    public static final int dnnl_eltwise_gelu_erf = 0x31;
    public static final int dnnl_eltwise_hardswish = 0x34;
    // dnnl_query_t
    public static final int dnnl_query_impl_info_str = 8;
    public static final int dnnl_query_src_md = 129;
    public static final int dnnl_query_weights_md = 131;
    public static final int dnnl_query_dst_md = 133;
    public static final int dnnl_query_scratchpad_md = 136;
    // dnnl_scratchpad_mode_t
    public static final int dnnl_scratchpad_mode_user = 1;
    // execution argument kinds (DNNL_ARG_*)
    public static final int DNNL_ARG_SRC = 1;
    public static final int DNNL_ARG_FROM = 1;
    public static final int DNNL_ARG_DST = 17;
    public static final int DNNL_ARG_TO = 17;
    public static final int DNNL_ARG_WEIGHTS = 33;
    public static final int DNNL_ARG_BIAS = 41;
    public static final int DNNL_ARG_SCRATCHPAD = 80;
    /** Added to an argument id: that argument's scales, or its zero points (oneDNN's quantization attributes). */
    public static final int DNNL_ARG_ATTR_SCALES = 4096, DNNL_ARG_ATTR_ZERO_POINTS = 8192;

    public static final int DNNL_MAX_NDIMS = 12;
    /** {@code DNNL_MEMORY_NONE}: create a memory object without a buffer (set later with set_data_handle). */
    public static final MemorySegment DNNL_MEMORY_NONE = MemorySegment.NULL;
    /** {@code DNNL_MEMORY_ALLOCATE}, {@code (void *)(size_t)-1}: the library allocates the buffer. */
    public static final MemorySegment DNNL_MEMORY_ALLOCATE = MemorySegment.ofAddress(-1L);

    /** {@code dnnl_dims_t}: int64_t[DNNL_MAX_NDIMS], passed by pointer. */
    public static final MemoryLayout dnnl_dims_t = MemoryLayout.sequenceLayout(DNNL_MAX_NDIMS, JAVA_LONG);
    /** {@code dnnl_exec_arg_t}: {int arg; dnnl_memory_t memory;}, 16 bytes with the padding before the pointer. */
    public static final StructLayout dnnl_exec_arg_t = MemoryLayout.structLayout(
            JAVA_INT.withName("arg"), MemoryLayout.paddingLayout(4), ADDRESS.withName("memory"));

    /** A zero-filled {@code dnnl_dims_t} holding {@code dims}. */
    public static MemorySegment dims(Arena arena, long... dims) {
        if (dims.length > DNNL_MAX_NDIMS) {
            throw new IllegalArgumentException("at most " + DNNL_MAX_NDIMS + " dims, got " + dims.length);
        }
        MemorySegment s = arena.allocate(dnnl_dims_t);
        for (int i = 0; i < dims.length; i++) s.setAtIndex(JAVA_LONG, i, dims[i]);
        return s;
    }

    /** Writes argument {@code i} of a {@code dnnl_exec_arg_t} array. */
    public static void setExecArg(MemorySegment args, int i, int arg, MemorySegment memory) {
        long base = i * dnnl_exec_arg_t.byteSize();
        args.set(JAVA_INT, base, arg);
        args.set(ADDRESS, base + 8, memory);
    }

    private static MethodHandle handle(String name, FunctionDescriptor fd) {
        return Downcalls.find(NativeLibraries.dnnl(), NativeLibraries::dnnlStatus, name, fd);
    }

    private static FunctionDescriptor status(java.lang.foreign.MemoryLayout... args) {
        return FunctionDescriptor.of(JAVA_INT, args);
    }

    private static final MethodHandle ENGINE_CREATE = handle("dnnl_engine_create",
            status(ADDRESS, JAVA_INT, JAVA_LONG));
    private static final MethodHandle GET_EFFECTIVE_CPU_ISA = handle("dnnl_get_effective_cpu_isa",
            FunctionDescriptor.of(JAVA_INT));
    private static final MethodHandle ENGINE_DESTROY = handle("dnnl_engine_destroy", status(ADDRESS));
    private static final MethodHandle STREAM_CREATE = handle("dnnl_stream_create", status(ADDRESS, ADDRESS, JAVA_INT));
    private static final MethodHandle STREAM_WAIT = handle("dnnl_stream_wait", status(ADDRESS));
    private static final MethodHandle STREAM_DESTROY = handle("dnnl_stream_destroy", status(ADDRESS));
    private static final MethodHandle MD_CREATE_WITH_TAG = handle("dnnl_memory_desc_create_with_tag",
            status(ADDRESS, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT));
    private static final MethodHandle MD_CREATE_WITH_STRIDES = handle("dnnl_memory_desc_create_with_strides",
            status(ADDRESS, JAVA_INT, ADDRESS, JAVA_INT, ADDRESS));
    private static final MethodHandle MD_DESTROY = handle("dnnl_memory_desc_destroy", status(ADDRESS));
    private static final MethodHandle MD_EQUAL = handle("dnnl_memory_desc_equal", status(ADDRESS, ADDRESS));
    private static final MethodHandle MD_GET_SIZE = handle("dnnl_memory_desc_get_size",
            FunctionDescriptor.of(JAVA_LONG, ADDRESS));
    private static final MethodHandle MD_GET_BLOB = handle("dnnl_memory_desc_get_blob",
            status(ADDRESS, ADDRESS, ADDRESS));
    private static final MethodHandle MEMORY_CREATE = handle("dnnl_memory_create",
            status(ADDRESS, ADDRESS, ADDRESS, ADDRESS));
    private static final MethodHandle MEMORY_SET_DATA_HANDLE = handle("dnnl_memory_set_data_handle",
            status(ADDRESS, ADDRESS));
    private static final MethodHandle MEMORY_DESTROY = handle("dnnl_memory_destroy", status(ADDRESS));
    private static final MethodHandle PD_QUERY_MD = handle("dnnl_primitive_desc_query_md",
            FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_INT, JAVA_INT));
    private static final MethodHandle PD_QUERY = handle("dnnl_primitive_desc_query",
            status(ADDRESS, JAVA_INT, JAVA_INT, ADDRESS));
    private static final MethodHandle PD_NEXT_IMPL = handle("dnnl_primitive_desc_next_impl", status(ADDRESS));
    private static final MethodHandle PD_DESTROY = handle("dnnl_primitive_desc_destroy", status(ADDRESS));
    private static final MethodHandle PRIMITIVE_CREATE = handle("dnnl_primitive_create", status(ADDRESS, ADDRESS));
    private static final MethodHandle PRIMITIVE_EXECUTE = handle("dnnl_primitive_execute",
            status(ADDRESS, ADDRESS, JAVA_INT, ADDRESS));
    private static final MethodHandle PRIMITIVE_DESTROY = handle("dnnl_primitive_destroy", status(ADDRESS));
    private static final MethodHandle ATTR_CREATE = handle("dnnl_primitive_attr_create", status(ADDRESS));
    private static final MethodHandle ATTR_DESTROY = handle("dnnl_primitive_attr_destroy", status(ADDRESS));
    private static final MethodHandle ATTR_SET_POST_OPS = handle("dnnl_primitive_attr_set_post_ops",
            status(ADDRESS, ADDRESS));
    private static final MethodHandle ATTR_SET_SCRATCHPAD_MODE = handle("dnnl_primitive_attr_set_scratchpad_mode",
            status(ADDRESS, JAVA_INT));
    private static final MethodHandle ATTR_SET_SCALES_MASK = handle("dnnl_primitive_attr_set_scales_mask",
            status(ADDRESS, JAVA_INT, JAVA_INT));
    private static final MethodHandle ATTR_SET_ZERO_POINTS_MASK = handle("dnnl_primitive_attr_set_zero_points_mask",
            status(ADDRESS, JAVA_INT, JAVA_INT));
    private static final MethodHandle POST_OPS_CREATE = handle("dnnl_post_ops_create", status(ADDRESS));
    private static final MethodHandle POST_OPS_DESTROY = handle("dnnl_post_ops_destroy", status(ADDRESS));
    private static final MethodHandle POST_OPS_APPEND_ELTWISE = handle("dnnl_post_ops_append_eltwise",
            status(ADDRESS, JAVA_INT, JAVA_FLOAT, JAVA_FLOAT));
    private static final MethodHandle POST_OPS_APPEND_SUM = handle("dnnl_post_ops_append_sum",
            status(ADDRESS, JAVA_FLOAT, JAVA_INT, JAVA_INT));
    private static final MethodHandle CONV_FWD_PD_CREATE = handle("dnnl_convolution_forward_primitive_desc_create",
            status(ADDRESS, ADDRESS, JAVA_INT, JAVA_INT, ADDRESS, ADDRESS, ADDRESS, ADDRESS,
                    ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS));
    private static final MethodHandle DECONV_FWD_PD_CREATE = handle("dnnl_deconvolution_forward_primitive_desc_create",
            status(ADDRESS, ADDRESS, JAVA_INT, JAVA_INT, ADDRESS, ADDRESS, ADDRESS, ADDRESS,
                    ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS));
    private static final MethodHandle REORDER_PD_CREATE = handle("dnnl_reorder_primitive_desc_create",
            status(ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS));
    private static final MethodHandle MATMUL_PD_CREATE = handle("dnnl_matmul_primitive_desc_create",
            status(ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS));
    private static final MethodHandle SGEMM = handle("dnnl_sgemm", status(JAVA_BYTE, JAVA_BYTE, JAVA_LONG, JAVA_LONG,
            JAVA_LONG, JAVA_FLOAT, ADDRESS, JAVA_LONG, ADDRESS, JAVA_LONG, JAVA_FLOAT, ADDRESS, JAVA_LONG));

    public static int dnnl_engine_create(MemorySegment engine, int kind, long index) {
        try {
            return (int) ENGINE_CREATE.invokeExact(engine, kind, index);
        } catch (Throwable t) {
            throw Downcalls.rethrow(t);
        }
    }

    /** {@code dnnl_cpu_isa_t dnnl_get_effective_cpu_isa(void)}: the widest ISA oneDNN dispatches to on this machine. */
    public static int dnnl_get_effective_cpu_isa() {
        try {
            return (int) GET_EFFECTIVE_CPU_ISA.invokeExact();
        } catch (Throwable t) {
            throw Downcalls.rethrow(t);
        }
    }

    public static int dnnl_engine_destroy(MemorySegment engine) {
        return call1(ENGINE_DESTROY, engine);
    }

    public static int dnnl_stream_create(MemorySegment stream, MemorySegment engine, int flags) {
        try {
            return (int) STREAM_CREATE.invokeExact(stream, engine, flags);
        } catch (Throwable t) {
            throw Downcalls.rethrow(t);
        }
    }

    public static int dnnl_stream_wait(MemorySegment stream) {
        return call1(STREAM_WAIT, stream);
    }

    public static int dnnl_stream_destroy(MemorySegment stream) {
        return call1(STREAM_DESTROY, stream);
    }

    public static int dnnl_memory_desc_create_with_tag(MemorySegment memoryDesc, int ndims, MemorySegment dims,
                                                       int dataType, int tag) {
        try {
            return (int) MD_CREATE_WITH_TAG.invokeExact(memoryDesc, ndims, dims, dataType, tag);
        } catch (Throwable t) {
            throw Downcalls.rethrow(t);
        }
    }

    /** A plain layout given by the distance, in elements, between neighbours along each dim. */
    public static int dnnl_memory_desc_create_with_strides(MemorySegment memoryDesc, int ndims, MemorySegment dims,
                                                           int dataType, MemorySegment strides) {
        try {
            return (int) MD_CREATE_WITH_STRIDES.invokeExact(memoryDesc, ndims, dims, dataType, strides);
        } catch (Throwable t) {
            throw Downcalls.rethrow(t);
        }
    }

    public static int dnnl_memory_desc_destroy(MemorySegment memoryDesc) {
        return call1(MD_DESTROY, memoryDesc);
    }

    /** Returns 1 when the two descriptors are equal, 0 otherwise (not a status). */
    public static int dnnl_memory_desc_equal(MemorySegment lhs, MemorySegment rhs) {
        return call2(MD_EQUAL, lhs, rhs);
    }

    public static long dnnl_memory_desc_get_size(MemorySegment memoryDesc) {
        try {
            return (long) MD_GET_SIZE.invokeExact(memoryDesc);
        } catch (Throwable t) {
            throw Downcalls.rethrow(t);
        }
    }

    /**
     * Serializes {@code memoryDesc} into {@code blob} ({@code size} in: its capacity; out: the bytes written), or, with a
     * NULL {@code blob}, writes the size it needs to {@code size}.
     */
    public static int dnnl_memory_desc_get_blob(MemorySegment blob, MemorySegment size, MemorySegment memoryDesc) {
        try {
            return (int) MD_GET_BLOB.invokeExact(blob, size, memoryDesc);
        } catch (Throwable t) {
            throw Downcalls.rethrow(t);
        }
    }

    public static int dnnl_memory_create(MemorySegment memory, MemorySegment memoryDesc, MemorySegment engine,
                                         MemorySegment handle) {
        try {
            return (int) MEMORY_CREATE.invokeExact(memory, memoryDesc, engine, handle);
        } catch (Throwable t) {
            throw Downcalls.rethrow(t);
        }
    }

    public static int dnnl_memory_set_data_handle(MemorySegment memory, MemorySegment handle) {
        return call2(MEMORY_SET_DATA_HANDLE, memory, handle);
    }

    public static int dnnl_memory_destroy(MemorySegment memory) {
        return call1(MEMORY_DESTROY, memory);
    }

    /** Returns the descriptor (owned by {@code primitiveDesc}), or NULL when there is none. */
    public static MemorySegment dnnl_primitive_desc_query_md(MemorySegment primitiveDesc, int what, int index) {
        try {
            return (MemorySegment) PD_QUERY_MD.invokeExact(primitiveDesc, what, index);
        } catch (Throwable t) {
            throw Downcalls.rethrow(t);
        }
    }

    public static int dnnl_primitive_desc_query(MemorySegment primitiveDesc, int what, int index,
                                                MemorySegment result) {
        try {
            return (int) PD_QUERY.invokeExact(primitiveDesc, what, index, result);
        } catch (Throwable t) {
            throw Downcalls.rethrow(t);
        }
    }

    /** Moves the descriptor to the next implementation; {@code dnnl_last_impl_reached} when there is none. */
    public static int dnnl_primitive_desc_next_impl(MemorySegment primitiveDesc) {
        return call1(PD_NEXT_IMPL, primitiveDesc);
    }

    public static int dnnl_primitive_desc_destroy(MemorySegment primitiveDesc) {
        return call1(PD_DESTROY, primitiveDesc);
    }

    public static int dnnl_primitive_create(MemorySegment primitive, MemorySegment primitiveDesc) {
        return call2(PRIMITIVE_CREATE, primitive, primitiveDesc);
    }

    public static int dnnl_primitive_execute(MemorySegment primitive, MemorySegment stream, int nargs,
                                             MemorySegment args) {
        try {
            return (int) PRIMITIVE_EXECUTE.invokeExact(primitive, stream, nargs, args);
        } catch (Throwable t) {
            throw Downcalls.rethrow(t);
        }
    }

    public static int dnnl_primitive_destroy(MemorySegment primitive) {
        return call1(PRIMITIVE_DESTROY, primitive);
    }

    public static int dnnl_primitive_attr_create(MemorySegment attr) {
        return call1(ATTR_CREATE, attr);
    }

    public static int dnnl_primitive_attr_destroy(MemorySegment attr) {
        return call1(ATTR_DESTROY, attr);
    }

    public static int dnnl_primitive_attr_set_post_ops(MemorySegment attr, MemorySegment postOps) {
        return call2(ATTR_SET_POST_OPS, attr, postOps);
    }

    public static int dnnl_primitive_attr_set_scratchpad_mode(MemorySegment attr, int mode) {
        try {
            return (int) ATTR_SET_SCRATCHPAD_MODE.invokeExact(attr, mode);
        } catch (Throwable t) {
            throw Downcalls.rethrow(t);
        }
    }

    /** Scales for argument {@code arg} given at execution: one ({@code mask} 0) or one per index of the masked dims. */
    public static int dnnl_primitive_attr_set_scales_mask(MemorySegment attr, int arg, int mask) {
        try {
            return (int) ATTR_SET_SCALES_MASK.invokeExact(attr, arg, mask);
        } catch (Throwable t) {
            throw Downcalls.rethrow(t);
        }
    }

    /** Zero points (s32) for argument {@code arg} given at execution, as for scales. */
    public static int dnnl_primitive_attr_set_zero_points_mask(MemorySegment attr, int arg, int mask) {
        try {
            return (int) ATTR_SET_ZERO_POINTS_MASK.invokeExact(attr, arg, mask);
        } catch (Throwable t) {
            throw Downcalls.rethrow(t);
        }
    }

    public static int dnnl_post_ops_create(MemorySegment postOps) {
        return call1(POST_OPS_CREATE, postOps);
    }

    public static int dnnl_post_ops_destroy(MemorySegment postOps) {
        return call1(POST_OPS_DESTROY, postOps);
    }

    public static int dnnl_post_ops_append_eltwise(MemorySegment postOps, int algKind, float alpha, float beta) {
        try {
            return (int) POST_OPS_APPEND_ELTWISE.invokeExact(postOps, algKind, alpha, beta);
        } catch (Throwable t) {
            throw Downcalls.rethrow(t);
        }
    }

    public static int dnnl_post_ops_append_sum(MemorySegment postOps, float scale, int zeroPoint, int dataType) {
        try {
            return (int) POST_OPS_APPEND_SUM.invokeExact(postOps, scale, zeroPoint, dataType);
        } catch (Throwable t) {
            throw Downcalls.rethrow(t);
        }
    }

    public static int dnnl_convolution_forward_primitive_desc_create(
            MemorySegment primitiveDesc, MemorySegment engine, int propKind, int algKind, MemorySegment srcDesc,
            MemorySegment weightsDesc, MemorySegment biasDesc, MemorySegment dstDesc, MemorySegment strides,
            MemorySegment dilates, MemorySegment paddingL, MemorySegment paddingR, MemorySegment attr) {
        try {
            return (int) CONV_FWD_PD_CREATE.invokeExact(primitiveDesc, engine, propKind, algKind, srcDesc,
                    weightsDesc, biasDesc, dstDesc, strides, dilates, paddingL, paddingR, attr);
        } catch (Throwable t) {
            throw Downcalls.rethrow(t);
        }
    }

    public static int dnnl_deconvolution_forward_primitive_desc_create(
            MemorySegment primitiveDesc, MemorySegment engine, int propKind, int algKind, MemorySegment srcDesc,
            MemorySegment weightsDesc, MemorySegment biasDesc, MemorySegment dstDesc, MemorySegment strides,
            MemorySegment dilates, MemorySegment paddingL, MemorySegment paddingR, MemorySegment attr) {
        try {
            return (int) DECONV_FWD_PD_CREATE.invokeExact(primitiveDesc, engine, propKind, algKind, srcDesc,
                    weightsDesc, biasDesc, dstDesc, strides, dilates, paddingL, paddingR, attr);
        } catch (Throwable t) {
            throw Downcalls.rethrow(t);
        }
    }

    public static int dnnl_reorder_primitive_desc_create(MemorySegment reorderPrimitiveDesc, MemorySegment srcDesc,
                                                         MemorySegment srcEngine, MemorySegment dstDesc,
                                                         MemorySegment dstEngine, MemorySegment attr) {
        try {
            return (int) REORDER_PD_CREATE.invokeExact(reorderPrimitiveDesc, srcDesc, srcEngine, dstDesc, dstEngine,
                    attr);
        } catch (Throwable t) {
            throw Downcalls.rethrow(t);
        }
    }

    public static int dnnl_matmul_primitive_desc_create(MemorySegment primitiveDesc, MemorySegment engine,
                                                        MemorySegment srcDesc, MemorySegment weightsDesc,
                                                        MemorySegment biasDesc, MemorySegment dstDesc,
                                                        MemorySegment attr) {
        try {
            return (int) MATMUL_PD_CREATE.invokeExact(primitiveDesc, engine, srcDesc, weightsDesc, biasDesc, dstDesc,
                    attr);
        } catch (Throwable t) {
            throw Downcalls.rethrow(t);
        }
    }

    /**
     * {@code C := alpha * op(A) * op(B) + beta * C}, all row-major; {@code transa}/{@code transb} are {@code 'N'} or
     * {@code 'T'}. Runs on the calling thread's OpenMP thread count ({@link Gomp#omp_set_num_threads}).
     */
    public static int dnnl_sgemm(byte transa, byte transb, long m, long n, long k, float alpha, MemorySegment a,
                                 long lda, MemorySegment b, long ldb, float beta, MemorySegment c, long ldc) {
        try {
            return (int) SGEMM.invokeExact(transa, transb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
        } catch (Throwable t) {
            throw Downcalls.rethrow(t);
        }
    }

    private static int call1(MethodHandle h, MemorySegment a) {
        try {
            return (int) h.invokeExact(a);
        } catch (Throwable t) {
            throw Downcalls.rethrow(t);
        }
    }

    private static int call2(MethodHandle h, MemorySegment a, MemorySegment b) {
        try {
            return (int) h.invokeExact(a, b);
        } catch (Throwable t) {
            throw Downcalls.rethrow(t);
        }
    }
}
