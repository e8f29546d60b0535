package io.jengine.cpu.nativelib;

import java.lang.foreign.MemorySegment;
import java.util.List;

/**
 * A 2-D convolution forward (inference) through oneDNN, prepared once and run many times on the caller's NCHW
 * float32 memory: {@code y = postOps(conv(x, weights) + bias)}, the weights reordered once into the blocked layout
 * oneDNN's kernel chooses.
 *
 * <p>The primitive runs on the activation layout oneDNN's direct kernels want (channels-last or channel-blocked),
 * the caller's NCHW reordered into it and back on each run: on NCHW itself oneDNN has only its im2col / GEMM-driven
 * convolution, about two thirds the speed of the direct kernels on 3x3 layers, and those GEMM-driven kernels are
 * never used here (see {@code DnnlPrimitive}): a convolution for which oneDNN offers nothing else is refused.
 *
 * <p>The thread count is fixed at prepare time: oneDNN's kernels split the work and size per-thread scratch buffers
 * for it when the primitive is created, so another count needs another instance. {@link #run} handles one call at a
 * time (it re-points the primitive's memory objects); the caller keeps its segments alive during a run and calls
 * {@link #close} to free the native objects.
 */
public final class DnnlConv2d implements AutoCloseable {
    private final ConvParams params;
    private final DnnlPrimitive primitive;

    private DnnlConv2d(ConvParams params, DnnlPrimitive primitive) {
        this.params = params;
        this.primitive = primitive;
    }

    /**
     * Creates the primitive for {@code p}. {@code weights} are in ONNX's {@code [m, c / groups, kH, kW]} order;
     * {@code bias} has {@code m} values or is null; {@code postOps} apply in order, with at most one
     * {@link DnnlPostOp.Sum}.
     *
     * @throws IllegalArgumentException for arrays of the wrong length, two sums, or threads below 1
     * @throws NativeCallException where oneDNN refuses the convolution (the message names the call and status)
     * @throws UnsupportedOperationException where oneDNN has only GEMM-driven or reference kernels for it
     * @throws IllegalStateException where oneDNN did not load
     */
    public static DnnlConv2d prepare(ConvParams p, float[] weights, float[] bias, List<DnnlPostOp> postOps,
                                     int threads) {
        return prepare(p, segment(weights), bias, postOps, threads);
    }

    /**
     * As {@link #prepare(ConvParams, float[], float[], List, int)} with the weights as a segment of exactly
     * {@code m * c/groups * kH * kW} floats, only read while preparing (a read-only mapping will do); native memory
     * is reordered into the primitive's layout as it lies, without a copy.
     */
    public static DnnlConv2d prepare(ConvParams p, MemorySegment weights, float[] bias, List<DnnlPostOp> postOps,
                                     int threads) {
        return prepare(p, weights, bias, postOps, threads, Dnnl.dnnl_abcd, Dnnl.dnnl_abcd, Dnnl.dnnl_format_tag_any);
    }

    /**
     * As {@link #prepare(ConvParams, MemorySegment, float[], List, int)}, on the channel-blocked layout
     * {@code [n, c/block, h, w, block]} (oneDNN's nChw8c or nChw16c; block 0: channels-last, nhwc) for the destination and residual, and for the
     * source too when {@code blockedSource} (else the source is plain NCHW, as for a first convolution over an
     * image's 3 channels). The primitive runs on these layouts directly where oneDNN has a direct kernel for them;
     * otherwise on the layout it prefers, reordered per run as in the plain case.
     *
     * @throws IllegalArgumentException for a block other than 8 or 16, or channels that are not a multiple of it
     */
    public static DnnlConv2d prepareBlocked(ConvParams p, MemorySegment weights, float[] bias,
                                            List<DnnlPostOp> postOps, int threads, int block, boolean blockedSource) {
        return prepareBlocked(p, weights, bias, postOps, threads, block, blockedSource, null);
    }

    private static DnnlConv2d prepareBlocked(ConvParams p, MemorySegment weights, float[] bias,
                                             List<DnnlPostOp> postOps, int threads, int block, boolean blockedSource,
                                             DnnlPostOp variant) {
        int tag = layoutTag(p, block, blockedSource);
        int srcTag = blockedSource ? tag : Dnnl.dnnl_abcd;
        try {
            return prepare(p, weights, null, bias, postOps, threads, srcTag, tag, Dnnl.dnnl_format_tag_undef, variant);
        } catch (UnsupportedOperationException noDirectKernelHere) {
            return prepare(p, weights, null, bias, postOps, threads, srcTag, tag, Dnnl.dnnl_format_tag_any, variant);
        }
    }

    /** {@link #prepareBlocked(ConvParams, MemorySegment, float[], List, int, int, boolean)} on an array. */
    public static DnnlConv2d prepareBlocked(ConvParams p, float[] weights, float[] bias, List<DnnlPostOp> postOps,
                                            int threads, int block, boolean blockedSource) {
        return prepareBlocked(p, segment(weights), bias, postOps, threads, block, blockedSource);
    }

    /**
     * As {@link #prepareBlocked(ConvParams, MemorySegment, float[], List, int, int, boolean)}, the caller's memory on
     * layout {@code block}, but the primitive computing on layout {@code computeBlock} (same encoding), each run
     * reordering the source and residual into it and the destination back. On AVX2 oneDNN's brgemm convolution reads
     * only channels-last and beats its direct nChw8c kernel on some layers (a stride-2 3x3 512-channel convolution on
     * 14x14: 3.3 against 5.4 ms), by more than the reorders of those small activations cost.
     *
     * @throws UnsupportedOperationException where oneDNN has no direct kernel on {@code computeBlock}
     */
    public static DnnlConv2d prepareBlocked(ConvParams p, MemorySegment weights, float[] bias,
                                            List<DnnlPostOp> postOps, int threads, int block, boolean blockedSource,
                                            int computeBlock) {
        return prepareBlocked(p, weights, bias, postOps, threads, block, blockedSource, computeBlock, null);
    }

    /**
     * As {@link #prepareBlocked(ConvParams, MemorySegment, float[], List, int, int, boolean, int)}, with a variant
     * that also applies {@code variant} after the other post-ops, where oneDNN runs it on the same weights
     * ({@link #hasVariant}); null: none.
     */
    public static DnnlConv2d prepareBlocked(ConvParams p, MemorySegment weights, float[] bias,
                                            List<DnnlPostOp> postOps, int threads, int block, boolean blockedSource,
                                            int computeBlock, DnnlPostOp variant) {
        int tag = layoutTag(p, block, blockedSource);
        int computeTag = layoutTag(p, computeBlock, blockedSource);
        if (computeTag == tag) return prepareBlocked(p, weights, bias, postOps, threads, block, blockedSource, variant);
        return prepare(p, weights, null, bias, postOps, threads, blockedSource ? tag : Dnnl.dnnl_abcd, tag, computeTag,
                variant);
    }

    /**
     * As {@link #prepareBlocked(ConvParams, MemorySegment, float[], List, int, int, boolean, int, DnnlPostOp)} on the
     * caller's layout, reading a bfloat16 source where {@code bf16Source} and writing a bfloat16 destination (and
     * reading the sum post-op's residual as one) where {@code bf16Destination}: activations between bfloat16 layers
     * at half the bytes, computed in bfloat16 with float32 accumulation.
     *
     * @throws UnsupportedOperationException where oneDNN has no direct bfloat16 kernel for it
     */
    public static DnnlConv2d prepareBlocked(ConvParams p, MemorySegment weights, float[] bias,
                                            List<DnnlPostOp> postOps, int threads, int block, boolean blockedSource,
                                            DnnlPostOp variant, boolean bf16Source, boolean bf16Destination) {
        int tag = layoutTag(p, block, blockedSource);
        int srcTag = blockedSource ? tag : Dnnl.dnnl_abcd;
        int srcType = bf16Source ? Dnnl.dnnl_bf16 : Dnnl.dnnl_f32, dstType = bf16Destination ? Dnnl.dnnl_bf16 : Dnnl.dnnl_f32;
        try {
            return prepare(p, weights, null, bias, postOps, threads, srcTag, tag, Dnnl.dnnl_format_tag_undef, variant,
                    srcType, dstType);
        } catch (UnsupportedOperationException noDirectKernelHere) {
            // e.g. a plain source oneDNN's direct kernel does not read: staged through the layout it prefers
            return prepare(p, weights, null, bias, postOps, threads, srcTag, tag, Dnnl.dnnl_format_tag_any, variant,
                    srcType, dstType);
        }
    }

    /** The array's floats as a (heap) segment; null stays null, for the size check to name. */
    static MemorySegment segment(float[] weights) {
        return weights == null ? null : MemorySegment.ofArray(weights);
    }

    /** oneDNN's tag for the channel-blocked layout {@code block} (0: channels-last), after checking the channels. */
    private static int layoutTag(ConvParams p, int block, boolean blockedSource) {
        if (p == null) throw new IllegalArgumentException("conv params are null");
        if (block != 0 && block != 8 && block != 16) {
            throw new IllegalArgumentException("channel block must be 0 (channels-last), 8 or 16, got " + block);
        }
        if (block != 0 && (p.m() % block != 0 || (blockedSource && p.c() % block != 0))) {
            throw new IllegalArgumentException("channels of " + p + " are not a multiple of the block " + block);
        }
        return block == 0 ? Dnnl.dnnl_acdb : block == 8 ? Dnnl.dnnl_aBcd8b : Dnnl.dnnl_aBcd16b;
    }

    /**
     * An integer convolution on plain NCHW memory (oneDNN computing on the layout it prefers, reordered per run):
     * {@code q} gives the element types, the int8 weights in ONNX's order and the quantization parameters (see
     * {@link DnnlQuantization}); {@code bias} is in float, {@code m} values or null.
     *
     * @throws UnsupportedOperationException where oneDNN has only GEMM-driven or reference kernels for it
     */
    static DnnlConv2d prepareQuantized(ConvParams p, DnnlQuantization q, float[] bias, int threads) {
        return prepareQuantized(p, q, bias, List.of(), threads);
    }

    /**
     * As {@link #prepareQuantized(ConvParams, DnnlQuantization, float[], int)} with post-ops: eltwise ones, and with a
     * float destination ({@code q.dstType()} f32) a sum that adds the residual.
     */
    static DnnlConv2d prepareQuantized(ConvParams p, DnnlQuantization q, float[] bias, List<DnnlPostOp> postOps,
                                       int threads) {
        if (q == null) throw new IllegalArgumentException("quantization is null");
        return prepare(p, null, q, bias, postOps, threads, Dnnl.dnnl_abcd, Dnnl.dnnl_abcd, Dnnl.dnnl_format_tag_any, null);
    }

    /**
     * An integer convolution on the channel-blocked layout {@code block} (0: channels-last), as
     * {@link #prepareBlocked(ConvParams, MemorySegment, float[], List, int, int, boolean)} does for float: the caller's
     * source ({@code q.srcType()}) and destination ({@code q.dstType()}, float with a residual sum) in that layout,
     * the primitive computing on it directly where oneDNN has a kernel for it, else staged through the one it prefers.
     */
    static DnnlConv2d prepareQuantizedBlocked(ConvParams p, DnnlQuantization q, float[] bias, List<DnnlPostOp> postOps,
                                              int threads, int block, boolean blockedSource) {
        if (q == null) throw new IllegalArgumentException("quantization is null");
        int tag = layoutTag(p, block, blockedSource);
        int srcTag = blockedSource ? tag : Dnnl.dnnl_abcd;
        try {
            return prepare(p, null, q, bias, postOps, threads, srcTag, tag, Dnnl.dnnl_format_tag_undef, null);
        } catch (UnsupportedOperationException noDirectKernelHere) {
            return prepare(p, null, q, bias, postOps, threads, srcTag, tag, Dnnl.dnnl_format_tag_any, null);
        }
    }

    private static DnnlConv2d prepare(ConvParams p, MemorySegment weights, float[] bias, List<DnnlPostOp> postOps,
                                      int threads, int srcTag, int dstTag, int computeTag) {
        return prepare(p, weights, null, bias, postOps, threads, srcTag, dstTag, computeTag, null);
    }

    private static DnnlConv2d prepare(ConvParams p, MemorySegment weights, DnnlQuantization q, float[] bias,
                                      List<DnnlPostOp> postOps, int threads, int srcTag, int dstTag, int computeTag,
                                      DnnlPostOp variant) {
        return prepare(p, weights, q, bias, postOps, threads, srcTag, dstTag, computeTag, variant, Dnnl.dnnl_f32,
                Dnnl.dnnl_f32);
    }

    private static DnnlConv2d prepare(ConvParams p, MemorySegment weights, DnnlQuantization q, float[] bias,
                                      List<DnnlPostOp> postOps, int threads, int srcTag, int dstTag, int computeTag,
                                      DnnlPostOp variant, int srcType, int dstType) {
        if (p == null) throw new IllegalArgumentException("conv params are null");
        String count = "m * c/groups * kH * kW";
        if (q == null) {
            SegmentChecks.exactFloats("weights", count, weights, p.weightElements());
        } else if (q.weights().length != p.weightElements()) {
            throw new IllegalArgumentException("weights must hold " + count + " = " + p.weightElements()
                    + " int8 values, got " + q.weights().length);
        }
        if (q != null && q.weightScales().length != 1 && q.weightScales().length != p.m()) {
            throw new IllegalArgumentException("weight scales must be 1 or m = " + p.m() + ", got "
                    + q.weightScales().length);
        }
        if (bias != null && bias.length != p.m()) {
            throw new IllegalArgumentException("bias must hold m = " + p.m() + " floats, got " + bias.length);
        }
        int g = p.groups();
        // ONNX's [m, c/g, kH, kW] is oneDNN's goihw once m is split into [g, m/g]: the same bytes, one more dim.
        long[] weightsDims = g == 1 ? new long[] {p.m(), p.c(), p.kernelH(), p.kernelW()}
                : new long[] {g, p.m() / g, p.c() / g, p.kernelH(), p.kernelW()};
        DnnlPrimitive.Spec spec = new DnnlPrimitive.Spec("dnnl_convolution_forward_primitive_desc_create",
                (out, engine, src, w, b, dst, attr, arena) -> Dnnl.dnnl_convolution_forward_primitive_desc_create(
                        out, engine, Dnnl.dnnl_forward_inference, Dnnl.dnnl_convolution_direct, src, w, b, dst,
                        Dnnl.dims(arena, p.strideH(), p.strideW()),
                        // oneDNN counts dilation from 0 (no gap), ONNX from 1
                        Dnnl.dims(arena, p.dilationH() - 1, p.dilationW() - 1),
                        Dnnl.dims(arena, p.padTop(), p.padLeft()), Dnnl.dims(arena, p.padBottom(), p.padRight()),
                        attr),
                new long[] {p.n(), p.c(), p.h(), p.w()}, srcTag,
                new long[] {p.n(), p.m(), p.outH(), p.outW()}, dstTag,
                weightsDims, g == 1 ? Dnnl.dnnl_abcd : Dnnl.dnnl_abcde, weights,
                bias == null ? null : new long[] {p.m()}, bias,
                List.copyOf(postOps == null ? List.of() : postOps), threads, (q == null ? "" : "int8 ")
                + "convolution " + p, computeTag, q);
        if (srcType != Dnnl.dnnl_f32 || dstType != Dnnl.dnnl_f32) spec = spec.withFloatIo(srcType, dstType);
        return new DnnlConv2d(p, DnnlPrimitive.prepare(spec, variant));
    }

    /**
     * Computes {@code y} ({@code [n, m, outH, outW]} floats) from {@code x} ({@code [n, c, h, w]}); {@code residual}
     * (y's shape, or y itself) is required with a sum post-op and must be null without one. Segments must be native,
     * large enough, and x must not overlap y: checked before any native call.
     */
    public void run(MemorySegment x, MemorySegment y, MemorySegment residual) {
        primitive.run("x", x, "y", y, residual);
    }

    /** As {@link #run(MemorySegment, MemorySegment, MemorySegment)}, by the variant where {@code variant}. */
    public void run(MemorySegment x, MemorySegment y, MemorySegment residual, boolean variant) {
        primitive.run("x", x, "y", y, residual, variant);
    }

    /** Whether this convolution has a variant with one more post-op (see {@link DnnlPrimitive#hasVariant}). */
    public boolean hasVariant() {
        return primitive.hasVariant();
    }

    public ConvParams params() {
        return params;
    }

    public int threads() {
        return primitive.threads();
    }

    /** The implementation oneDNN chose, e.g. {@code brg_conv_fwd:avx2} (for reports and tuning logs). */
    public String implementation() {
        return primitive.implementation();
    }

    @Override
    public void close() {
        primitive.close();
    }
}
