package io.jengine.cpu.nativelib;

import io.jengine.cpu.simd.ConvNode;
import io.jengine.cpu.simd.ConvShape;
import io.jengine.cpu.simd.ConvWorkloads;
import io.jengine.cpu.simd.ConvTransposeNode;
import io.jengine.cpu.simd.PlannedShapes;
import io.jengine.cpu.simd.conv.BlockedWinograd;
import io.jengine.cpu.simd.conv.FusedActivation;
import io.jengine.cpu.simd.conv.WinogradVariant;
import io.jengine.cpu.simd.ops.UnaryActivations;
import io.jengine.cpu.simd.ops.UnaryOp;
import io.jengine.ir.FusedOpSpec;
import io.jengine.spi.Backend;
import io.jengine.spi.IntegerConvolution;
import io.jengine.spi.Kernel;
import io.jengine.spi.NodeContext;
import io.jengine.spi.Tactic;
import io.jengine.spi.TacticDeclinedException;
import io.jengine.spi.Workload;
import io.jengine.tensor.DType;
import io.jengine.tensor.Tensor;
import java.lang.foreign.MemorySegment;
import java.util.List;

/**
 * Native tactics through the FFM API: oneDNN's convolution primitive ({@code dnnl.conv}) on the activation layout
 * oneDNN's direct kernels want (channels-last or channel-blocked), the engine's NCHW activations reordered in and out
 * per run; weights reordered to its own layout once, bias as the primitive's argument, the residual as a sum post-op.
 * Where oneDNN cannot load (another OS, a stripped install) it offers nothing and everything still runs.
 *
 * <p>On the level-3 layouts a dense 3x3 stride-1 convolution is first offered as Winograd
 * ({@code dnnl.winograd-f4x4-blocked}, F(2x2) on planes up to 8x8; {@link DnnlWinogradConv}): oneDNN has no
 * Winograd convolution on AVX2, and a quarter of the multiplications beats its direct kernels there.
 *
 * <p>Its priority is above cpu-simd's, and until the tuner times the candidates per layer it recommends its tactic
 * only where it measured faster than cpu-simd's best (see {@link #recommends}); elsewhere it is offered on request
 * ({@code --tactic FusedConv=dnnl.conv}), so cpu-simd's runs by default. oneDNN's im2col and 1×1 GEMM-driven
 * convolutions are never used (see {@link DnnlConv2d}).
 *
 * <p>The fused activation is applied by our own vector code after the primitive, not as an oneDNN eltwise post-op:
 * oneDNN's relu and clip turn NaN into numbers, and the engine's rule is that NaN and Inf land where the reference
 * puts them.
 */
public final class NativeBackend implements Backend {
    public static final String NAME = "cpu-native";

    @Override
    public String name() { return NAME; }

    @Override
    public int priority() { return 20; }

    @Override
    public List<Tactic> tactics(NodeContext ctx) {
        if (NativeLibraries.dnnl().isPresent() && MatMulNode.handles(ctx.node())) {
            MatMulNode mm = MatMulNode.of(ctx);
            if (mm == null) return List.of();
            int threads = ctx.threads();
            double flops = 2.0 * mm.m() * mm.k() * mm.n();
            double bytes = 4.0 * ((double) mm.m() * mm.k() + (double) mm.k() * mm.n() + (double) mm.m() * mm.n());
            return List.of(new Tactic(NAME, "dnnl.matmul", math(ctx, () -> dnnlMatMul(mm, threads)), true)
                    .withWorkload(new Workload(flops, bytes)));
        }
        String op = ctx.node().opType();
        if (op.equals("QLinearConv") && ctx.node().domain().isEmpty()) {
            return NativeLibraries.dnnl().isPresent() ? qlinearConvTactics(ctx) : List.of();
        }
        if (FusedOpSpec.is(ctx.node(), FusedOpSpec.QUANTIZED_MATMUL)) {
            return NativeLibraries.dnnl().isPresent() ? quantizedMatMulTactics(ctx) : List.of();
        }
        if (FusedOpSpec.is(ctx.node(), FusedOpSpec.QUANTIZED_CONV)) {
            return NativeLibraries.dnnl().isPresent() ? quantizedConvTactics(ctx) : List.of();
        }
        if (op.equals("ConvTranspose") || FusedOpSpec.is(ctx.node(), FusedOpSpec.FUSED_CONV_TRANSPOSE)) {
            return NativeLibraries.dnnl().isPresent() ? deconvTactics(ctx) : List.of();
        }
        boolean blocked = FusedOpSpec.is(ctx.node(), FusedOpSpec.BLOCKED_CONV);
        if (!blocked && !op.equals("Conv") && !op.equals(FusedOpSpec.FUSED_CONV)) return List.of();
        if (NativeLibraries.dnnl().isEmpty()) return List.of();
        ConvNode c = ConvNode.of(ctx, blocked);
        if (c == null) return List.of();
        int threads = ctx.threads();
        if (blocked && c.bf16Io()) return bf16IoTactics(ctx, c, threads);
        if (blocked) return blockedTactics(ctx, c, threads);
        return List.of(new Tactic(NAME, "dnnl.conv", math(ctx, () -> dnnlConv(c, threads)), recommends(c.shape()))
                .withWorkload(ConvWorkloads.direct(c.shape())));
    }

    /**
     * {@code prepare} with bfloat16 arithmetic allowed where the layer asks for it ({@link FusedOpSpec#FPMATH}, what
     * {@code --bf16} marks): oneDNN then computes the products in bfloat16 on CPUs that have it. The kernel's reordered
     * weights and bounds are packed parts ({@link Packing}): taken from a plan where it stored them.
     */
    private static java.util.function.Supplier<Kernel> math(NodeContext ctx,
                                                            java.util.function.Supplier<Kernel> prepare) {
        boolean bf16 = bf16Math(ctx);
        return () -> Packing.preparing(ctx, () -> DnnlMath.allowingBf16(bf16, prepare));
    }

    /** Whether the layer may compute its products in bfloat16 ({@code --bf16}). */
    private static boolean bf16Math(NodeContext ctx) {
        return FusedOpSpec.BF16.equals(ctx.node().attrString(FusedOpSpec.FPMATH, ""));
    }

    /**
     * oneDNN's kernels read and write nChw8c on AVX2 and nChw16c on AVX-512: the block of the CPU's widest float
     * vector. Where oneDNN cannot load there are no blocked convolutions, and the optimizer leaves the layout alone.
     */
    @Override
    public int channelBlock() {
        if (NativeLibraries.dnnl().isEmpty()) return 0;
        int lanes = jdk.incubator.vector.FloatVector.SPECIES_PREFERRED.length();
        return lanes >= 16 ? 16 : lanes == 8 ? 8 : 0;
    }

    /** oneDNN's int8 convolutions, as far as this CPU computes them exactly ({@link Int8Dot}); none without oneDNN. */
    @Override
    public IntegerConvolution integerConvolution() {
        return NativeLibraries.dnnl().isPresent() ? Int8Dot.EXACT : null;
    }

    @Override
    public List<String> libraries() {
        return java.util.stream.Stream.of(NativeLibraries.dnnl(), NativeLibraries.openBlas())
                .flatMap(java.util.Optional::stream).map(l -> l.name() + " " + l.version()).toList();
    }

    /** Its convolutions also run channels-last (block 0): oneDNN's brgemm kernels, on AVX2 too. */
    @Override
    public boolean channelsLast() { return NativeLibraries.dnnl().isPresent(); }

    /**
     * Where oneDNN dispatches to AMX (its effective ISA includes AVX-512 with AMX tiles): its bfloat16 convolutions
     * then run on tiles when channels-last (brgconv), and blocked they fall back to AVX512-BF16 kernels (ResNet-50 at
     * 1 thread: 61 ms blocked, 11.4 ms channels-last, against 56 ms in float32).
     */
    @Override
    public boolean bf16Tiles() { return Tiles.PRESENT; }

    private static final class Tiles {
        static final boolean PRESENT = NativeLibraries.dnnl().isPresent()
                && (Dnnl.dnnl_get_effective_cpu_isa() & Dnnl.dnnl_cpu_isa_avx512_core_amx)
                        == Dnnl.dnnl_cpu_isa_avx512_core_amx;
    }

    /**
     * Whether oneDNN's blocked kernels take the node's layout: a block of 0 (channels-last), 8 or 16 dividing the output
     * channels, and a residual on the layout.
     */
    private static boolean onKernelLayout(NodeContext ctx, ConvNode c, int block) {
        if (block != 0 && block != 8 && block != 16 || block != 0 && c.shape().outC() % block != 0) return false;
        return !c.residual() || ctx.inputDims(FusedOpSpec.CONV_RESIDUAL).length == 5;
    }

    private static List<Tactic> blockedTactics(NodeContext ctx, ConvNode c, int threads) {
        int block = (int) ctx.node().attrInt(FusedOpSpec.BLOCK, -1);
        long[] x = ctx.inputDims(0);
        boolean blockedSource = x.length == 5;
        if (!onKernelLayout(ctx, c, block)) return List.of();
        long[] out = c.blockedOutShape(block);
        java.util.function.Supplier<Kernel> direct = math(ctx,
                () -> blockedConv(c, threads, block, blockedSource, x, out, block));
        boolean viaLast = block != 0 && blockedSource && c.shape().group() == 1;
        boolean lastPays = viaLast && channelsLastPays(c.shape());
        Tactic directTactic = new Tactic(NAME, "dnnl.conv-blocked", direct, !lastPays)
                .withWorkload(ConvWorkloads.direct(c.shape()));
        List<Tactic> directs = !viaLast ? List.of(directTactic) : List.of(directTactic, new Tactic(NAME,
                "dnnl.conv-blocked-via-nhwc", math(ctx, () -> blockedConv(c, threads, block, true, x, out, 0)), lastPays)
                .withWorkload(ConvWorkloads.direct(c.shape())));
        if (lastPays) directs = directs.reversed();
        if (threads > 1 && block != 0 && blockedSource && c.shape().group() == 1 && c.shape().outC() / block >= threads) {
            boolean split = splitPays(c.shape()) && !lastPays;
            Tactic t = new Tactic(NAME, "dnnl.conv-blocked-split", math(ctx, () -> splitConv(c, threads, block, x,
                    out)), split).withWorkload(ConvWorkloads.direct(c.shape()));
            List<Tactic> with = new java.util.ArrayList<>(directs);
            with.add(split ? 0 : with.size(), t);
            directs = List.copyOf(with);
        }
        io.jengine.cpu.simd.conv.ConvParams p = c.params();
        if (!blockedSource || BlockedWinograd.unsupportedReason(p, block) != null) return directs;
        WinogradVariant best = p.outH() * p.outW() <= SMALL_PLANE ? WinogradVariant.F2X2 : WinogradVariant.F4X4;
        WinogradVariant other = best == WinogradVariant.F4X4 ? WinogradVariant.F2X2 : WinogradVariant.F4X4;
        // on tiles a bfloat16 layer's direct kernel outruns Winograd's float32 transforms
        boolean pays = winogradPays(p, best) && !(bf16Math(ctx) && Tiles.PRESENT);
        Tactic first = new Tactic(NAME, winogradName(best), math(ctx, () -> winogradBlocked(c, threads, block, x, out,
                best, direct)), pays).withWorkload(ConvWorkloads.winograd(c.shape(), best.tile));
        Tactic second = Tactic.onRequest(NAME, winogradName(other), math(ctx, () -> winogradBlocked(c, threads, block,
                x, out, other, direct))).withWorkload(ConvWorkloads.winograd(c.shape(), other.tile));
        List<Tactic> all = new java.util.ArrayList<>(directs);
        all.add(pays ? 0 : all.size(), first);
        all.add(second);
        return List.copyOf(all);
    }

    /**
     * The default rule for staging a channel-blocked convolution through channels-last: on AVX2 oneDNN's brgemm
     * convolution reads only channels-last, and on wide dense k×k layers it beats the direct nChw8c kernel by more
     * than the two reorders cost (ResNet-50's 3x3 layers of 256 and 512 channels, stride 1 or 2, 1 and 2 threads:
     * 1.1-1.5x), while on 64-128 channels it ties or loses, on 1x1 layers it loses (1.1-1.4x slower), and on
     * a first convolution over 3 channels it loses by 1.5x.
     */
    static boolean channelsLastPays(ConvShape s) {
        return s.kH() * s.kW() > 1 && s.inC() >= WIDE && s.outC() >= WIDE && s.dilH() == 1 && s.dilW() == 1;
    }

    private static final int WIDE = 256;

    /**
     * The default rule, from per-layer timings of the zoo's 3x3 layers on AVX2 against oneDNN's direct kernels. Per
     * tile, Winograd saves multiplications in proportion to {@code inC * outC} and spends its transforms in proportion
     * to {@code inC + outC}, so it pays where {@code inC * outC / (inC + outC)} is large: 64 -> 64 channels (32) won
     * by 1.7x, 32 -> 128 on 27x27 (25.6) by 1.5x, while 16 -> 64 on 55x55 (12.8) lost by 1.3x. F(4x4) also wastes
     * the part of its edge tiles outside the output (a 13x13 plane computes 16x16, two thirds used), yet 48 -> 192 and
     * 64 -> 256 on 13x13 still won by 1.25x. F(2x2) is taken only on planes up to 8x8 and wide layers, where oneDNN's
     * direct kernel runs far below its peak (512 -> 512 channels on 7x7: 1.5x faster).
     */
    static boolean winogradPays(io.jengine.cpu.simd.conv.ConvParams p, WinogradVariant v) {
        double h = (double) p.inC() * p.outC() / (p.inC() + p.outC());
        if (v == WinogradVariant.F2X2) return h >= 64;
        long covered = (long) Math.ceilDiv(p.outH(), v.tile) * Math.ceilDiv(p.outW(), v.tile) * v.tile * v.tile;
        return h >= 24 && p.outH() * p.outW() >= 0.6 * covered;
    }
    /**
     * Planes up to 8x8 take F(2x2, 3x3): with few tiles the products are bound by reading the transformed weights,
     * 16/9 of the weights' size for F(2x2) against 4x for F(4x4), and a 7x7 plane wastes less of its 2x2 tiles.
     */
    private static final int SMALL_PLANE = 64;

    private static String winogradName(WinogradVariant v) {
        return v == WinogradVariant.F4X4 ? "dnnl.winograd-f4x4-blocked" : "dnnl.winograd-f2x2-blocked";
    }

    /**
     * Winograd on the blocked layout; a run whose input holds a NaN or an infinity goes to the direct kernel
     * (prepared on first need), so that they land where the reference puts them.
     */
    private static Kernel winogradBlocked(ConvNode c, int threads, int block, long[] inDims, long[] outDims,
                                          WinogradVariant variant, java.util.function.Supplier<Kernel> direct) {
        BlockedWinograd t = new BlockedWinograd(c.params(), block, variant, c.bias(), c.residual(),
                FusedActivation.of(c.fused().name(), c.fused().params()));
        DnnlWinogradConv w;
        try {
            w = DnnlWinogradConv.prepare(t, weights(c.weightTensor()), threads);
        } catch (UnsupportedOperationException noBrgemm) {
            throw new TacticDeclinedException(noBrgemm.getMessage());
        }
        Kernel fallback = new Kernel() {
            private volatile Kernel k;

            @Override
            public void run(io.jengine.spi.KernelContext ctx) {
                Kernel d = k;
                if (d == null) {
                    synchronized (this) {
                        if (k == null) k = direct.get();
                        d = k;
                    }
                }
                d.run(ctx);
            }
        };
        ConvBound gain = ConvBound.of(c.weightTensor(), c.shape().outC(), c.bias());
        boolean declares = declaresBound(c.fused());
        double slack = winogradSlack(variant, c.shape().inC());
        Kernel k = new Kernel() {
            @Override
            public void run(io.jengine.spi.KernelContext ctx) {
                float residualBound = c.residual() ? ctx.inputBound(FusedOpSpec.CONV_RESIDUAL) : 0f;
                Tensor y = ctx.output(0, DType.FLOAT32, outDims);
                MemorySegment r = c.residual() ? ctx.tensor(FusedOpSpec.CONV_RESIDUAL).data() : null;
                float x = w.runMeasuring(input(ctx, inDims).data(), r, y.data(), ctx.threads());
                if (Float.isNaN(x)) {
                    fallback.run(ctx);
                } else if (declares) {
                    // the input was measured on the way: the bound starts afresh here, however loose the one before
                    ctx.outputBound(0, (float) gain.of(x, residualBound, slack));
                }
            }

            /**
             * An input the transforms cannot take is found before any output is written, and each output reads its
             * residual just before it is stored, so the output may take the residual's place.
             */
            @Override
            public int inPlaceInput() { return c.residual() ? FusedOpSpec.CONV_RESIDUAL : -1; }
        };
        return ReleasableKernel.of(k, w::close);
    }

    /**
     * How far Winograd's result may exceed the direct bound: its error is at most {@code (K + 24) u kappa W D}
     * (WinogradConv3x3's accuracy note: K input channels, u = 2^-24, W the channel's sum of |w|, D the largest |x|),
     * so its magnitude is at most {@code 1 + (K + 24) u kappa} times {@code W D} (the error term doubled here for
     * margin): 1.02 for 512 channels of F(4x4).
     */
    static double winogradSlack(WinogradVariant v, int inChannels) {
        return 1 + 2 * (inChannels + 24) * 0x1p-24 * v.kappa;
    }

    /**
     * The default rule for {@link SplitBlockedConv} (on 2 threads and more): small planes (14x14 and below) with many
     * output channels, where oneDNN's own two-thread split measured 1.55-1.6x its one-thread time against 1.8-2x on
     * larger planes. In a 2-thread ResNet-50 it took 1.9-2.6% off the median (paired runs; splitting every blocked
     * convolution gained nothing, four slices per image instead of two neither). Where the brgemm kernel through
     * channels-last is the default ({@link #channelsLastPays}), that stays (on ResNet-50's stride-2 3x3 layer of 512
     * channels the two tied within the noise, and brgemm scales the better of oneDNN's kernels there).
     */
    static boolean splitPays(ConvShape s) {
        return s.outPlane() <= SPLIT_PLANE && s.outC() >= SPLIT_CHANNELS;
    }

    private static final int SPLIT_PLANE = 14 * 14;
    private static final int SPLIT_CHANNELS = 512;

    /** {@link SplitBlockedConv}: one output-channel slice per thread, each a single-threaded oneDNN convolution. */
    private static Kernel splitConv(ConvNode c, int threads, int block, long[] inDims, long[] outDims) {
        UnaryOp act = eltwise(c.fused()) != null ? UnaryOp.NONE : UnaryOp.named(c.fused().name());
        SplitBlockedConv conv;
        try {
            conv = SplitBlockedConv.prepare(params(c.shape()), weights(c.weightTensor()), c.bias(), postOps(c), block,
                    threads, act, c.fused().params());
        } catch (UnsupportedOperationException noDirectKernel) {
            throw new TacticDeclinedException(noDirectKernel.getMessage());
        }
        ConvBound gain = ConvBound.of(c.weightTensor(), c.shape().outC(), c.bias());
        boolean declares = declaresBound(c.fused());
        int residual = c.residual() ? FusedOpSpec.CONV_RESIDUAL : -1;
        Kernel k = new Kernel() {
            @Override
            public void run(io.jengine.spi.KernelContext ctx) {
                double bound = gain.of(ctx, residual, 1); // before the run: the output may take the residual's place
                Tensor y = ctx.output(0, DType.FLOAT32, outDims);
                conv.run(input(ctx, inDims).data(), y.data(),
                        c.residual() ? ctx.tensor(FusedOpSpec.CONV_RESIDUAL).data() : null, ctx.threads());
                if (declares) ctx.outputBound(0, (float) bound);
            }

            /** Each slice's sum post-op accumulates onto its part of the destination, as in the whole convolution. */
            @Override
            public int inPlaceInput() { return c.residual() ? FusedOpSpec.CONV_RESIDUAL : -1; }

            /** oneDNN's slices, each followed by the activation in our vector code where there is one. */
            @Override
            public boolean compiledByJit() { return act.heavy(); }
        };
        return ReleasableKernel.of(k, conv::close);
    }

    /**
     * A blocked convolution reading or writing bfloat16 activations ({@link FusedOpSpec#OUTPUT_TYPE}): oneDNN's direct
     * kernel on the layout as it is, in bfloat16 with float32 accumulation. The other blocked tactics (channels-last
     * staging, the channel split, Winograd's Java transforms) work on float32 and are not offered.
     */
    private static List<Tactic> bf16IoTactics(NodeContext ctx, ConvNode c, int threads) {
        int block = (int) ctx.node().attrInt(FusedOpSpec.BLOCK, -1);
        long[] x = ctx.inputDims(0);
        if (!onKernelLayout(ctx, c, block)) return List.of();
        // a float32 output takes any activation in our vector code after oneDNN; a bfloat16 one only those it can
        if (c.outputType() == DType.BFLOAT16 && !c.fused().passesValuesOrBounds() && eltwise(c.fused()) == null) {
            return List.of();
        }
        long[] out = c.blockedOutShape(block);
        boolean blockedSource = x.length == 5;
        return List.of(new Tactic(NAME, "dnnl.conv-blocked-bf16", math(ctx, () -> bf16IoConv(c, threads, block,
                blockedSource, x, out)), true).withWorkload(ConvWorkloads.direct(c.shape())));
    }

    private static Kernel bf16IoConv(ConvNode c, int threads, int block, boolean blockedSource, long[] inDims,
                                     long[] outDims) {
        boolean bf16In = c.sourceType() == DType.BFLOAT16, bf16Out = c.outputType() == DType.BFLOAT16;
        DnnlPostOp.Eltwise fusedWhenFinite = Bf16Activation.postOpWhenFinite(c.fused());
        DnnlConv2d conv;
        try {
            // the sum post-op reads the residual in the destination's type
            List<DnnlPostOp> ops = postOps(c).stream().map(o -> o instanceof DnnlPostOp.Sum && bf16Out
                    ? new DnnlPostOp.Sum(1f, 0, Dnnl.dnnl_bf16) : o).toList();
            conv = DnnlConv2d.prepareBlocked(params(c.shape()), weights(c.weightTensor()), c.bias(), ops,
                    threads, block, blockedSource, fusedWhenFinite, bf16In, bf16Out);
        } catch (UnsupportedOperationException noDirectKernel) {
            throw new TacticDeclinedException(noDirectKernel.getMessage());
        }
        UnaryOp act = eltwise(c.fused()) != null ? UnaryOp.NONE : UnaryOp.named(c.fused().name());
        float[] params = c.fused().params();
        Bf16Activation onBf16 = bf16Out && act != UnaryOp.NONE ? Bf16Activation.of(c.fused()) : null;
        ConvBound gain = ConvBound.of(c.weightTensor(), c.shape().outC(), c.bias());
        int residual = c.residual() ? FusedOpSpec.CONV_RESIDUAL : -1;
        Kernel k = new Kernel() {
            @Override
            public void run(io.jengine.spi.KernelContext ctx) {
                double bound = gain.of(ctx, residual, Bf16Activation.PRODUCT_SLACK);
                boolean fused = conv.hasVariant() && !Double.isNaN(bound);
                Tensor y = ctx.output(0, c.outputType(), outDims);
                Tensor xs = PlannedShapes.input(ctx, 0, c.sourceType(), inDims);
                conv.run(xs.data(), y.data(), c.residual() ? ctx.tensor(FusedOpSpec.CONV_RESIDUAL).data() : null, fused);
                if (!fused && act != UnaryOp.NONE) {
                    if (onBf16 != null) onBf16.apply(y.data(), y.size());
                    else activate(act, params, y, ctx.threads());
                }
                float declared = Bf16Activation.bound(c.fused(), bound);
                if (!Float.isNaN(declared)) ctx.outputBound(0, declared);
            }

            @Override
            public int inPlaceInput() { return c.residual() ? FusedOpSpec.CONV_RESIDUAL : -1; }

            /** oneDNN's convolution; a NaN-keeping activation pass of ours only where no bound was known. */
            @Override
            public boolean compiledByJit() { return false; }
        };
        return ReleasableKernel.of(k, conv::close);
    }

    /** oneDNN's convolution on layout {@code block}, computing on {@code computeBlock} (the same: no staging). */
    private static Kernel blockedConv(ConvNode c, int threads, int block, boolean blockedSource, long[] inDims,
                                      long[] outDims, int computeBlock) {
        DnnlConv2d conv;
        try {
            conv = DnnlConv2d.prepareBlocked(params(c.shape()), weights(c.weightTensor()), c.bias(),
                    postOps(c), threads, block, blockedSource, computeBlock, exactWhenFinite(c.fused()));
        } catch (UnsupportedOperationException noDirectKernel) {
            throw new TacticDeclinedException(noDirectKernel.getMessage());
        }
        return activated(conv, c, inDims, outDims);
    }

    /**
     * The default rule, from per-layer timings of the zoo's convolutions on 1 and 2 threads of an AVX2 machine:
     * oneDNN's direct kernels win on dense k×k convolutions (copies included; cpu-simd's Winograd is close on 1
     * thread but scales worse) and on pointwise and depthwise convolutions of small planes; on large planes (56×56
     * and up) a pointwise or depthwise convolution is memory-bound, the reorders cost more than oneDNN's kernel
     * saves, and cpu-simd's kernels win. Grouped (not depthwise) and dilated convolutions were not measured.
     */
    static boolean recommends(ConvShape s) {
        if (s.dilH() != 1 || s.dilW() != 1) return false;
        boolean depthwise = s.group() == s.inC() && s.group() == s.outC() && s.group() > 1;
        if (s.group() != 1 && !depthwise) return false;
        boolean pointwise = s.kH() == 1 && s.kW() == 1;
        return !(pointwise || depthwise) || s.outPlane() < LARGE_PLANE;
    }

    private static final int LARGE_PLANE = 56 * 56;

    /**
     * oneDNN's brgemm matmul (about twice cpu-simd's GEMM on AVX2 at bert's sizes, measured through FFM), weights
     * reordered once; bias as the primitive's argument and smooth activations as post-ops, the others after.
     */
    private static Kernel dnnlMatMul(MatMulNode mm, int threads) {
        DnnlPostOp.Eltwise post = eltwise(mm.activation());
        DnnlMatMul prim;
        try {
            prim = DnnlMatMul.prepare(mm.m(), mm.k(), mm.n(), mm.weights(), mm.weightsTransposed(), mm.bias(),
                    post == null ? List.of() : List.of(post), threads);
        } catch (UnsupportedOperationException noBrgemm) {
            throw new TacticDeclinedException(noBrgemm.getMessage());
        }
        UnaryOp act = post != null ? UnaryOp.NONE : UnaryOp.named(mm.activation().name());
        float[] params = mm.activation().params();
        Kernel k = nativeKernel(act, ctx -> {
            Tensor y = ctx.output(0, DType.FLOAT32, mm.outDims());
            prim.run(input(ctx, mm.aDims()).data(), y.data(), null);
            activate(act, params, y, ctx.threads());
        });
        return ReleasableKernel.of(k, prim::close);
    }

    /**
     * ConvTranspose on oneDNN's deconvolution (on NCHW, staged into the layout of its direct kernel), offered to be
     * forced or timed, for the nodes cpu-simd's tactics take too ({@link ConvTransposeNode}).
     */
    private static List<Tactic> deconvTactics(NodeContext ctx) {
        ConvTransposeNode c = ConvTransposeNode.of(ctx);
        if (c == null) return List.of();
        UnaryOp act;
        try {
            act = UnaryOp.named(c.activation().name());
        } catch (IllegalArgumentException e) {
            return List.of();
        }
        int threads = ctx.threads();
        // on request only: on the detector's 2x2 stride-2 upsamplings it measured 7.4 and 4.5 ms against cpu-simd's
        // GEMM and interleaving copy at 5.4-7.2 and 1.9-3.1 (the staging reorders of NCHW cost more than it saves)
        return List.of(Tactic.onRequest(NAME, "dnnl.deconv", () -> deconv(c, act, threads)));
    }

    private static Kernel deconv(ConvTransposeNode c, UnaryOp act, int threads) {
        DnnlDeconv2d d;
        try {
            d = DnnlDeconv2d.prepare(c.shape(), weights(c.weightTensor()), c.bias(), threads);
        } catch (UnsupportedOperationException | NativeCallException noDirectKernel) {
            throw new TacticDeclinedException(noDirectKernel.getMessage());
        }
        float[] params = c.activation().params();
        Kernel k = nativeKernel(act, ctx -> {
            Tensor y = ctx.output(0, DType.FLOAT32, c.outDims());
            d.run(input(ctx, c.inDims()).data(), y.data());
            activate(act, params, y, ctx.threads());
        });
        return ReleasableKernel.of(k, d::close);
    }

    /** QLinearConv on oneDNN's integer convolution (int8 weights without zero points), where it can run it. */
    private static List<Tactic> qlinearConvTactics(NodeContext ctx) {
        QLinearConvNode q = QLinearConvNode.of(ctx);
        if (q == null) return List.of();
        int threads = ctx.threads();
        ConvParams p = q.params();
        double macs = (double) p.n() * p.m() * p.outH() * p.outW() * (p.c() / p.groups()) * p.kernelH() * p.kernelW();
        double bytes = (double) p.n() * p.c() * p.h() * p.w() + (double) p.n() * p.m() * p.outH() * p.outW()
                + q.quant().weights().length;
        return List.of(new Tactic(NAME, "dnnl.qlinear-conv", () -> qlinearConv(q, threads), true)
                .withWorkload(new Workload(2 * macs, bytes)));
    }

    private static Kernel qlinearConv(QLinearConvNode q, int threads) {
        DnnlConv2d conv;
        try {
            conv = DnnlConv2d.prepareQuantized(q.params(), q.quant(), q.bias(), threads);
        } catch (UnsupportedOperationException | NativeCallException noIntegerKernel) {
            throw new TacticDeclinedException(noIntegerKernel.getMessage());
        }
        DType in = q.quant().srcElementType();
        Kernel k = nativeKernel(UnaryOp.NONE, ctx -> {
            Tensor y = ctx.output(0, q.quant().dstElementType(), q.outDims());
            conv.run(PlannedShapes.input(ctx, 0, in, q.inDims()).data(), y.data(), null);
        });
        return ReleasableKernel.of(k, conv::close);
    }

    /**
     * jengine::QuantizedConv on oneDNN's integer convolution, where it computes the node exactly ({@link
     * QuantizedConvNode}). Channels-last runs directly; on AVX2 oneDNN's int8 kernels ({@code jit_uni_int8},
     * {@code jit_uni_int8_1x1}) read no channel-blocked layout, so nChw8c and plain NCHW operands are reordered
     * through channels-last per run.
     */
    private static List<Tactic> quantizedConvTactics(NodeContext ctx) {
        QuantizedConvNode q = QuantizedConvNode.of(ctx);
        if (q == null) return List.of();
        int threads = ctx.threads();
        return List.of(new Tactic(NAME, "dnnl.quantized-conv", () -> quantizedConv(q, threads), true)
                .withWorkload(new Workload(q.params().flops(), q.bytes())));
    }

    private static Kernel quantizedConv(QuantizedConvNode q, int threads) {
        QuantizedConvActivation act = q.activation();
        DnnlConv2d conv;
        try {
            conv = q.block() < 0 ? DnnlConv2d.prepareQuantized(q.params(), q.quant(), q.bias(), act.postOps(), threads)
                    : DnnlConv2d.prepareQuantizedBlocked(q.params(), q.quant(), q.bias(), act.postOps(), threads,
                            q.block(), q.blockedSource());
        } catch (UnsupportedOperationException | NativeCallException noIntegerKernel) {
            throw new TacticDeclinedException(noIntegerKernel.getMessage());
        }
        DType in = q.quant().srcElementType(), out = q.quant().dstElementType();
        Kernel k = new Kernel() {
            @Override
            public void run(io.jengine.spi.KernelContext ctx) {
                Tensor y = ctx.output(0, out, q.outDims());
                MemorySegment residual = q.residual() != null
                        ? PlannedShapes.input(ctx, FusedOpSpec.QC_RESIDUAL, q.residual(), q.outDims()).data() : null;
                conv.run(PlannedShapes.input(ctx, FusedOpSpec.QC_X, in, q.inDims()).data(), y.data(), residual);
                activate(act.after(), act.params(), y, ctx.threads());
            }

            /**
             * oneDNN's sum post-op accumulates onto the destination, which may as well be the residual's memory when
             * they are of one type (integer codes of the other signedness are read in the destination's bytes too,
             * but the plan keeps them apart).
             */
            @Override
            public int inPlaceInput() { return q.residual() == out ? FusedOpSpec.QC_RESIDUAL : -1; }

            @Override
            public boolean compiledByJit() { return act.after().heavy(); }
        };
        return ReleasableKernel.of(k, conv::close);
    }

    /**
     * jengine::QuantizedMatMul on oneDNN's integer matmul, where it computes the node exactly ({@link
     * QuantizedMatMulNode}) and has a direct kernel ({@link DnnlIntegerMatMul}): A's leading axes folded into rows, the activation a post-op for an integer output and
     * for a float one the smooth activations, the piecewise-linear ones running after it in our vector code.
     */
    private static List<Tactic> quantizedMatMulTactics(NodeContext ctx) {
        QuantizedMatMulNode q = QuantizedMatMulNode.of(ctx);
        if (q == null) return List.of();
        int threads = ctx.threads();
        return List.of(new Tactic(NAME, "dnnl.quantized-matmul", () -> quantizedMatMul(q, threads), true)
                .withWorkload(new Workload(q.flops(), q.bytes())));
    }

    private static Kernel quantizedMatMul(QuantizedMatMulNode q, int threads) {
        QuantizedConvActivation act = q.activation();
        DnnlIntegerMatMul prim;
        try {
            prim = DnnlIntegerMatMul.prepare(q.m(), q.k(), q.n(), q.quant(), q.bias(), act.postOps(), threads);
        } catch (UnsupportedOperationException | NativeCallException noIntegerKernel) {
            throw new TacticDeclinedException(noIntegerKernel.getMessage());
        }
        DType in = q.quant().srcElementType(), out = q.quant().dstElementType();
        Kernel k = nativeKernel(act.after(), ctx -> {
            Tensor y = ctx.output(0, out, q.outDims());
            prim.run(PlannedShapes.input(ctx, FusedOpSpec.QM_A, in, q.aDims()).data(), y.data());
            activate(act.after(), act.params(), y, ctx.threads());
        });
        return ReleasableKernel.of(k, prim::close);
    }

    /**
     * {@code body} as a kernel whose work is oneDNN's, followed by our vector pass of {@code after} unless it is
     * {@code NONE}: a heavy one ({@link UnaryOp#heavy()}) makes the kernel partly Java ({@link Kernel#compiledByJit()}).
     * Timed before the compiler had reached it, BERT's feed-forward product with its Gelu pass measured 6.5 ms in the
     * tuner, 0.24 once compiled. A light pass is compiled within the first layer that runs it, and the tuner warms a
     * kernel measured far off its prediction again anyway.
     */
    private static Kernel nativeKernel(UnaryOp after, java.util.function.Consumer<io.jengine.spi.KernelContext> body) {
        boolean java = after.heavy();
        return new Kernel() {
            @Override
            public void run(io.jengine.spi.KernelContext ctx) { body.accept(ctx); }

            @Override
            public boolean compiledByJit() { return java; }
        };
    }

    /**
     * A constant's floats for a primitive to reorder its weights from: the tensor's own memory where it holds exactly
     * its float32 elements (a plan's weights, loaded or mapped: no copy on the heap and none in native memory), else
     * its values converted into an array.
     */
    static MemorySegment weights(Tensor t) {
        if (t.dtype() == DType.FLOAT32 && t.data().byteSize() == t.size() * Float.BYTES) return t.data();
        return MemorySegment.ofArray(t.toFloatArray());
    }

    /** Input 0, checked to be what the plan was made for. */
    private static Tensor input(io.jengine.spi.KernelContext ctx, long[] dims) {
        return PlannedShapes.input(ctx, 0, DType.FLOAT32, dims);
    }

    /** The fused activation in our vector code, in place on {@code y}; nothing for {@link UnaryOp#NONE}. */
    private static void activate(UnaryOp act, float[] params, Tensor y, int threads) {
        if (act != UnaryOp.NONE) UnaryActivations.applyParallel(act, params, y.data(), 0, y.data(), 0, y.size(), threads);
    }

    static ConvParams params(ConvShape s) {
        return new ConvParams(s.batch(), s.inC(), s.inH(), s.inW(), s.outC(), s.kH(), s.kW(), s.strideH(),
                s.strideW(), s.dilH(), s.dilW(), s.padTop(), s.padLeft(), s.padBottom(), s.padRight(), s.group());
    }

    private static Kernel dnnlConv(ConvNode c, int threads) {
        ConvShape s = c.shape();
        DnnlConv2d conv;
        try {
            conv = DnnlConv2d.prepare(params(s), weights(c.weightTensor()), c.bias(), postOps(c), threads);
        } catch (UnsupportedOperationException noDirectKernel) {
            throw new TacticDeclinedException(noDirectKernel.getMessage());
        }
        return activated(conv, c, new long[] {s.batch(), s.inC(), s.inH(), s.inW()}, c.outShape());
    }

    /**
     * The residual as a sum post-op, then the activation where oneDNN keeps NaN and infinities where the reference
     * puts them: the smooth activations, computed while the result is still in registers (the piecewise-linear ones,
     * Relu, Clip and HardSigmoid, lose NaN in oneDNN's max/min and run in our vector code after the primitive).
     */
    private static List<DnnlPostOp> postOps(ConvNode c) {
        List<DnnlPostOp> ops = new java.util.ArrayList<>();
        if (c.residual()) ops.add(DnnlPostOp.sum());
        DnnlPostOp.Eltwise act = eltwise(c.fused());
        if (act != null) ops.add(act);
        return ops;
    }

    /**
     * The oneDNN post-op for a fused Relu, which drops NaN (max against 0) but is otherwise exact: a convolution runs
     * it only where {@link ConvBound} proves that no NaN can reach it, and else its own NaN-keeping pass. Null for
     * other activations.
     */
    static DnnlPostOp.Eltwise exactWhenFinite(FusedOpSpec.Activation a) {
        return a.name().equals("Relu") ? new DnnlPostOp.Eltwise(DnnlEltwise.RELU, 0f, 0f) : null;
    }

    /** Whether the output of a convolution with {@code a} is bounded by its result before {@code a}: none or Relu. */
    static boolean declaresBound(FusedOpSpec.Activation a) {
        return a.name().equals(FusedOpSpec.NO_ACTIVATION) || a.name().equals("Relu");
    }

    /**
     * The oneDNN post-op that computes a fused activation with the reference's NaN and infinity behaviour on this CPU
     * ({@link NonFinitePostOps}), or null.
     */
    static DnnlPostOp.Eltwise eltwise(FusedOpSpec.Activation a) {
        DnnlPostOp.Eltwise op = switch (a.name()) {
            case "SiLU" -> new DnnlPostOp.Eltwise(DnnlEltwise.SWISH, 1f, 0f);
            case "Sigmoid" -> new DnnlPostOp.Eltwise(DnnlEltwise.LOGISTIC, 0f, 0f);
            case "Tanh" -> new DnnlPostOp.Eltwise(DnnlEltwise.TANH, 0f, 0f);
            case "HardSwish" -> new DnnlPostOp.Eltwise(DnnlEltwise.HARDSWISH, 1f / 6, 0.5f);
            case "Gelu" -> new DnnlPostOp.Eltwise(DnnlEltwise.GELU_ERF, 0f, 0f);
            default -> null;
        };
        return op != null && NonFinitePostOps.exact(op, UnaryOp.named(a.name()), a.params()) ? op : null;
    }

    /**
     * The kernel: the primitive on the planned input and output, then the fused activation in our vector code unless
     * the primitive applied it.
     */
    private static Kernel activated(DnnlConv2d conv, ConvNode c, long[] inDims, long[] outDims) {
        UnaryOp act = eltwise(c.fused()) != null ? UnaryOp.NONE : UnaryOp.named(c.fused().name());
        float[] params = c.fused().params();
        ConvBound gain = ConvBound.of(c.weightTensor(), c.shape().outC(), c.bias());
        boolean declares = declaresBound(c.fused());
        int residual = c.residual() ? FusedOpSpec.CONV_RESIDUAL : -1;
        Kernel k = new Kernel() {
            @Override
            public void run(io.jengine.spi.KernelContext ctx) {
                double bound = gain.of(ctx, residual, 1);
                boolean fused = conv.hasVariant() && !Double.isNaN(bound);
                Tensor y = ctx.output(0, DType.FLOAT32, outDims);
                conv.run(input(ctx, inDims).data(), y.data(),
                        c.residual() ? ctx.tensor(FusedOpSpec.CONV_RESIDUAL).data() : null, fused);
                if (!fused) activate(act, params, y, ctx.threads());
                javaPass = !fused && act.heavy();
                if (declares) ctx.outputBound(0, (float) bound);
            }

            /** Whether the last run applied a heavy activation in our vector code (no bound, or no fused variant). */
            private volatile boolean javaPass = act.heavy();

            /**
             * oneDNN's sum post-op accumulates onto the destination, so an output in the residual's own memory saves
             * copying the residual there first.
             */
            @Override
            public int inPlaceInput() { return c.residual() ? FusedOpSpec.CONV_RESIDUAL : -1; }

            /** oneDNN's convolution, and Java where the last run applied a heavy activation itself. */
            @Override
            public boolean compiledByJit() { return javaPass; }
        };
        return ReleasableKernel.of(k, conv::close);
    }
}
