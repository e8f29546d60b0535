package io.jengine.cpu.nativelib;

import io.jengine.cpu.simd.ops.UnaryActivations;
import io.jengine.cpu.simd.ops.UnaryOp;
import io.jengine.spi.IntraOpPool;
import java.lang.foreign.MemorySegment;
import java.util.List;

/**
 * A convolution on the channel-blocked layout ({@code [n, c/block, h, w, block]}, source and destination) run as
 * independent single-threaded oneDNN convolutions, one per image and slice of output-channel blocks, which the pool's
 * threads take as they come free; each task then applies the fused activation to its slice while the slice is still
 * in its core's cache.
 *
 * <p>Why: oneDNN splits a convolution between its threads by a fixed partition, and on the deep layers of a ResNet
 * (1x1 convolutions of 256 to 2048 channels on 14x14 and 7x7 planes, 3x3 ones of 512 channels) its two-thread run
 * measured only 1.55-1.6x its one-thread run. Each slice here reads the whole input but only its own share of the
 * weights, and a slice of output channels of one image is one contiguous run of the blocked layout, so the
 * destination (and the residual a sum post-op adds) needs no copy. The activation that would otherwise be a pass of its
 * own over the whole output after the primitive (see {@code NativeBackend#postOps}: Relu cannot be a oneDNN post-op
 * without losing NaN) costs no extra pool call here.
 *
 * <p>Results are independent of the thread count: every output channel is computed by one single-threaded primitive.
 */
final class SplitBlockedConv implements AutoCloseable {
    private final DnnlConv2d[] slices;
    /** Slice i computes output-channel blocks {@code [firstBlock[i], firstBlock[i + 1])}. */
    private final int[] firstBlock;
    private final ConvParams p;
    private final int block;
    private final boolean sum;
    private final UnaryOp activation;
    private final float[] params;
    private final long inImage, outImage, outPlane;

    private SplitBlockedConv(ConvParams p, int block, DnnlConv2d[] slices, int[] firstBlock, boolean sum,
                             UnaryOp activation, float[] params) {
        this.p = p;
        this.block = block;
        this.slices = slices;
        this.firstBlock = firstBlock;
        this.sum = sum;
        this.activation = activation;
        this.params = params;
        this.inImage = (long) p.c() * p.h() * p.w();
        this.outPlane = (long) p.outH() * p.outW();
        this.outImage = p.m() * outPlane;
    }

    /**
     * Prepares {@code parts} slices of {@code p} (weights {@code [m, c, kH, kW]} in ONNX's order, only read; bias of
     * m values or null; post-ops as {@link DnnlConv2d#prepareBlocked} takes them, applied per slice), then
     * {@code activation} in our vector code.
     *
     * @throws IllegalArgumentException for a grouped convolution, a block other than 8 or 16, channels that are not a
     *                                  multiple of it, or fewer output-channel blocks than parts
     * @throws UnsupportedOperationException where oneDNN has no direct kernel for a slice
     */
    static SplitBlockedConv prepare(ConvParams p, MemorySegment weights, float[] bias, List<DnnlPostOp> postOps,
                                    int block, int parts, UnaryOp activation, float[] params) {
        if (p.groups() != 1) throw new IllegalArgumentException("a split convolution is not grouped, got " + p);
        if (block != 8 && block != 16 || p.c() % block != 0 || p.m() % block != 0) {
            throw new IllegalArgumentException("channels " + p.c() + " -> " + p.m() + " in blocks of " + block);
        }
        int blocks = p.m() / block;
        if (parts < 1 || parts > blocks) {
            throw new IllegalArgumentException(parts + " slices of " + blocks + " output-channel blocks");
        }
        long perOutput = (long) p.c() * p.kernelH() * p.kernelW();
        SegmentChecks.exactFloats("weights", "m * c * kH * kW", weights, p.m() * perOutput);
        if (bias != null && bias.length != p.m()) {
            throw new IllegalArgumentException("bias has " + bias.length + " values, expected m = " + p.m());
        }
        int[] first = new int[parts + 1];
        DnnlConv2d[] slices = new DnnlConv2d[parts];
        try {
            for (int i = 0; i < parts; i++) {
                first[i + 1] = (int) ((long) blocks * (i + 1) / parts);
                int m0 = first[i] * block, m = (first[i + 1] - first[i]) * block;
                ConvParams q = new ConvParams(1, p.c(), p.h(), p.w(), m, p.kernelH(), p.kernelW(), p.strideH(),
                        p.strideW(), p.dilationH(), p.dilationW(), p.padTop(), p.padLeft(), p.padBottom(),
                        p.padRight(), 1);
                float[] b = bias == null ? null : java.util.Arrays.copyOfRange(bias, m0, m0 + m);
                slices[i] = DnnlConv2d.prepareBlocked(q, weights.asSlice(4 * m0 * perOutput, 4 * m * perOutput), b,
                        postOps, 1, block, true);
            }
        } catch (RuntimeException e) {
            for (DnnlConv2d s : slices) if (s != null) s.close();
            throw e;
        }
        boolean sum = postOps.stream().anyMatch(o -> o instanceof DnnlPostOp.Sum);
        return new SplitBlockedConv(p, block, slices, first, sum, activation, params);
    }

    /**
     * {@code y} from {@code x} (and {@code residual}, {@code y} itself or apart from it, where a sum post-op adds
     * one), on up to {@code threads} threads. Every size is checked before any task starts.
     */
    void run(MemorySegment x, MemorySegment y, MemorySegment residual, int threads) {
        long xBytes = SegmentChecks.bytes("input", x, p.n() * inImage, Float.BYTES);
        long yBytes = SegmentChecks.bytes("output", y, p.n() * outImage, Float.BYTES);
        // as a whole: each slice's own checks see only its part, and would pass a residual shifted by a slice
        if (SegmentChecks.overlap(x, xBytes, y, yBytes)) throw new IllegalArgumentException("input and output overlap");
        if (sum) {
            SegmentChecks.bytes("residual", residual, p.n() * outImage, Float.BYTES);
            if (residual.address() != y.address() && SegmentChecks.overlap(residual, yBytes, y, yBytes)) {
                throw new IllegalArgumentException("residual must be the output itself or not overlap it");
            }
        } else if (residual != null) {
            throw new IllegalArgumentException("a residual was given but there is no sum post-op");
        }
        int parts = slices.length, tasks = p.n() * parts;
        IntraOpPool.shared().parallelFor(threads, tasks, t -> slice(x, y, residual, t / parts, t % parts));
    }

    private void slice(MemorySegment x, MemorySegment y, MemorySegment residual, int image, int i) {
        long at = 4 * (image * outImage + firstBlock[i] * block * outPlane);
        long bytes = 4 * (firstBlock[i + 1] - firstBlock[i]) * block * outPlane;
        MemorySegment out = y.asSlice(at, bytes);
        slices[i].run(x.asSlice(4 * image * inImage, 4 * inImage), out,
                residual == null ? null : residual.address() == y.address() ? out : residual.asSlice(at, bytes));
        if (activation != UnaryOp.NONE) UnaryActivations.apply(activation, params, y, at, y, at, bytes / 4);
    }

    /** Output-channel slices per image. */
    int parts() { return slices.length; }

    @Override
    public void close() {
        for (DnnlConv2d s : slices) s.close();
    }
}
