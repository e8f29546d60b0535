package io.jengine.cpu.simd;

import io.jengine.cpu.simd.conv.DepthwiseConv;
import io.jengine.cpu.simd.conv.Epilogue;
import io.jengine.cpu.simd.conv.FusedActivation;
import io.jengine.cpu.simd.conv.WinogradConv3x3;
import io.jengine.ir.FusedOpSpec;
import io.jengine.spi.GemmProblem;
import io.jengine.spi.Kernel;
import io.jengine.spi.KernelContext;
import io.jengine.spi.NodeContext;
import io.jengine.spi.Tactic;
import io.jengine.tensor.DType;
import io.jengine.tensor.Tensor;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Conv and FusedConv (2-D, float32, constant weights), best first: depthwise direct for group == channels; Winograd
 * F(4x4,3x3) for 3x3 stride-1 convolutions with enough channels for its transforms to pay; the 1x1 GEMM (no im2col);
 * the implicit-im2col GEMM for everything else. Weights are packed or transformed once, when the tactic is prepared.
 */
final class ConvTactics {
    /** Below this many input or output channels Winograd's tile transforms cost more than the multiplies it saves. */
    private static final int WINOGRAD_MIN_CHANNELS = 16;
    /** {@link GemmProblem#packCost} of {@link BlockedIm2colPanels}: whole-vector copies. */
    private static final double BLOCKED_GATHER_COST = 0.25;

    private ConvTactics() {}

    static void register(Map<String, TacticSource> m) {
        m.put("Conv", ConvTactics::tactics);
        m.put(FusedOpSpec.FUSED_CONV, ConvTactics::tactics);
        m.put(FusedOpSpec.BLOCKED_CONV, ConvTactics::blockedTactics);
    }

    /**
     * BlockedConv (level 3's channel-blocked or channels-last convolutions) as a GEMM over pixels and output channels,
     * with tilings the tuner may choose; the source must be on the layout too (a first convolution reading a plain
     * image is left to the native backend).
     */
    private static List<Tactic> blockedTactics(NodeContext ctx, String backend) {
        ConvNode c = ConvNode.of(ctx);
        if (c == null) return List.of();
        int block = (int) ctx.node().attrInt(FusedOpSpec.BLOCK, -1);
        long[] x = ctx.inputDims(0);
        if (x == null || x.length != 5 || BlockedGemmConv.unsupportedReason(c.shape(), block) != null) return List.of();
        if (c.residual() && ctx.inputDims(FusedOpSpec.CONV_RESIDUAL).length != 5) return List.of();
        ConvShape s = c.shape();
        long[] out = c.blockedOutShape(block);
        // The im2col rows are gathered a vector (a pixel's channel block) per copy, not a float: a quarter of the
        // cost of packing a plain matrix element by element.
        GemmProblem p = new GemmProblem(s.outPlane(), s.outC(), s.gemmK(), s.batch(), false, true, BLOCKED_GATHER_COST);
        return List.of(TunableGemm.tactic(backend, "conv.blocked-gemm", p, blk -> () -> {
            BlockedGemmConv conv = BlockedGemmConv.prepare(s, block, c.weights(), c.bias(), c.activation(), blk);
            return run -> {
                Tensor in = PlannedShapes.input(run, 0, DType.FLOAT32, x);
                Tensor y = run.output(0, DType.FLOAT32, out);
                MemorySegment r = c.residual() ? run.tensor(FusedOpSpec.CONV_RESIDUAL).data() : null;
                conv.run(in.data(), y.data(), r, run.threads());
            };
        }));
    }

    private static List<Tactic> tactics(NodeContext ctx, String backend) {
        ConvNode c = ConvNode.of(ctx);
        if (c == null) return List.of();
        ConvShape s = c.shape();
        int threads = ctx.threads();
        List<Tactic> t = new ArrayList<>();
        if (DepthwiseConv.unsupportedReason(c.params()) == null) {
            t.add(new Tactic(backend, "conv.depthwise", () -> depthwise(c)).withWorkload(ConvWorkloads.direct(s)));
        }
        boolean winograd = WinogradConv3x3.unsupportedReason(c.params()) == null;
        boolean winogradPays = s.inC() >= WINOGRAD_MIN_CHANNELS && s.outC() >= WINOGRAD_MIN_CHANNELS;
        Tactic wino = winograd ? new Tactic(backend, "conv.winograd-f4x4", () -> winograd(c), winogradPays)
                .withWorkload(ConvWorkloads.winograd(s, 4)) : null;
        if (winograd && winogradPays) t.add(wino);
        int batch = s.batch() * s.group();
        if (Conv1x1Gemm.supports(s)) {
            boolean strided = s.strideH() != 1 || s.strideW() != 1;
            GemmProblem p = new GemmProblem(s.outCPerGroup(), s.outPlane(), s.gemmK(), batch, true, false, strided ? 2 : 1);
            t.add(TunableGemm.tactic(backend, "conv.gemm-1x1", p, blk -> () -> new GemmConvKernel(c,
                    Conv1x1Gemm.prepare(s, c.weights(), c.bias(), c.activation(), blk))));
        }
        GemmProblem im2col = new GemmProblem(s.outCPerGroup(), s.outPlane(), s.gemmK(), batch, true, false, 3);
        t.add(TunableGemm.tactic(backend, "conv.im2col", im2col, blk -> () -> new GemmConvKernel(c,
                Im2colConv.prepare(s, c.weights(), c.bias(), c.activation(), blk))));
        // Still offered where it does not pay, so that it can be forced and measured.
        if (winograd && !winogradPays) t.add(wino);
        return t;
    }

    private static Epilogue epilogue(ConvNode c) {
        FusedActivation a = FusedActivation.of(c.fused().name(), c.fused().params());
        return Epilogue.of(c.bias(), c.residual(), a);
    }

    private static MemorySegment nativeCopy(float[] v) {
        MemorySegment m = Arena.ofAuto().allocate((long) v.length * Float.BYTES, 64);
        MemorySegment.copy(v, 0, m, ValueLayout.JAVA_FLOAT, 0, v.length);
        return m;
    }

    /**
     * Winograd's transforms mix every input of a tile into every output of it, so a NaN or infinity would reach
     * outputs the direct convolution keeps finite. A run whose input holds one is therefore computed by the im2col
     * GEMM instead (prepared on first need), so that NaN and Inf land exactly where the reference puts them.
     */
    private static Kernel winograd(ConvNode c) {
        WinogradConv3x3 w = WinogradConv3x3.prepare(c.params(), nativeCopy(c.weights()), epilogue(c));
        java.util.function.Supplier<GemmConvolution> direct = new java.util.function.Supplier<>() {
            private volatile GemmConvolution conv;

            @Override
            public GemmConvolution get() {
                GemmConvolution g = conv;
                if (g == null) {
                    synchronized (this) {
                        if (conv == null) conv = Im2colConv.prepare(c.shape(), c.weights(), c.bias(), c.activation());
                        g = conv;
                    }
                }
                return g;
            }
        };
        return ctx -> {
            Tensor x = checkedInput(ctx, c);
            Tensor y = ctx.output(0, DType.FLOAT32, c.outShape());
            MemorySegment r = c.residual() ? ctx.tensor(FusedOpSpec.CONV_RESIDUAL).data() : null;
            if (NonFinite.any(x.data(), x.size())) direct.get().run(x.data(), 0, y.data(), 0, r, 0, ctx.threads());
            else w.run(x.data(), r, y.data(), ctx.threads());
        };
    }

    private static Kernel depthwise(ConvNode c) {
        DepthwiseConv d = DepthwiseConv.prepare(c.params(), nativeCopy(c.weights()), epilogue(c));
        return ctx -> {
            Tensor x = checkedInput(ctx, c);
            Tensor y = ctx.output(0, DType.FLOAT32, c.outShape());
            d.run(x.data(), c.residual() ? ctx.tensor(FusedOpSpec.CONV_RESIDUAL).data() : null, y.data(), ctx.threads());
        };
    }

    static Tensor checkedInput(KernelContext ctx, ConvNode c) {
        Tensor x = ctx.tensor(0);
        ConvShape s = c.shape();
        if (x.dtype() != DType.FLOAT32 || x.rank() != 4 || x.dim(0) != s.batch() || x.dim(1) != s.inC()
                || x.dim(2) != s.inH() || x.dim(3) != s.inW()) {
            throw new IllegalArgumentException("input X is " + x.describe() + ", the plan was made for float32 ["
                    + s.batch() + "," + s.inC() + "," + s.inH() + "," + s.inW() + "]");
        }
        return x;
    }

    /** A GEMM convolution; the output never shares the residual's buffer, since partial sums are stored as K blocks go. */
    private record GemmConvKernel(ConvNode c, GemmConvolution conv) implements Kernel {
        @Override
        public void run(KernelContext ctx) {
            Tensor x = checkedInput(ctx, c);
            Tensor y = ctx.output(0, DType.FLOAT32, c.outShape());
            MemorySegment r = c.residual() ? ctx.tensor(FusedOpSpec.CONV_RESIDUAL).data() : null;
            conv.run(x.data(), 0, y.data(), 0, r, 0, ctx.threads());
        }
    }
}
